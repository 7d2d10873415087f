import { runService } from '@shop/lifecycle';
import { migrations } from '@shop/users-module';
import { createUsersService } from './app';
import { usersConfigSchema } from './config';

// The composition root: everything is built and wired here, and nowhere else starts anything.
runService({
  name: 'users-service',
  configSchema: usersConfigSchema,
  migrations,
  create: createUsersService,
});
