import { runService } from '@shop/lifecycle';
import { createOrdersService } from './app';
import { ordersConfigSchema } from './config';
import { migrations } from './data-access/migrations';

// The composition root: everything is built and wired here, and nowhere else starts anything.
runService({
  name: 'orders-service',
  configSchema: ordersConfigSchema,
  migrations,
  create: createOrdersService,
});
