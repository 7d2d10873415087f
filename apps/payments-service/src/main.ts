import { runService } from '@shop/lifecycle';
import { migrations } from '@shop/payments-module';
import { createPaymentsService } from './app';
import { paymentsConfigSchema } from './config';

// The composition root: everything is built and wired here, and nowhere else starts anything.
runService({
  name: 'payments-service',
  configSchema: paymentsConfigSchema,
  migrations,
  create: createPaymentsService,
});
