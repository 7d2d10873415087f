import { runService } from '@shop/lifecycle';
import { createUsersService } from './app';
import { usersConfigSchema } from './config';
import { migrations } from './data-access/migrations';

// The composition root: everything is built and wired here, and nowhere else starts anything.
runService({
  name: 'users-service',
  configSchema: usersConfigSchema,
  migrations,
  create: createUsersService,
});
