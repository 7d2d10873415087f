import { runService } from '@shop/lifecycle';
import { createEmailService } from './app';
import { emailConfigSchema } from './config';
import { migrations } from './data-access/migrations';

// The composition root: everything is built and wired here, and nowhere else starts anything.
runService({
  name: 'email-service',
  configSchema: emailConfigSchema,
  migrations,
  create: createEmailService,
});
