import { runService } from '@shop/lifecycle';
import { migrations } from '@shop/orders-module';
import { createOrdersService } from './app';
import { ordersConfigSchema } from './config';

// The composition root: everything is built and wired here, and nowhere else starts anything.
runService({
  name: 'orders-service',
  configSchema: ordersConfigSchema,
  migrations,
  create: createOrdersService,
});
