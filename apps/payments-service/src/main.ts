import { runService } from '@shop/lifecycle';
import { createPaymentsService } from './app';
import { paymentsConfigSchema } from './config';
import { migrations } from './data-access/migrations';

// The composition root: everything is built and wired here, and nowhere else starts anything.
runService({
  name: 'payments-service',
  configSchema: paymentsConfigSchema,
  migrations,
  create: createPaymentsService,
});
