import { migrations } from '@shop/email-module';
import { runService } from '@shop/lifecycle';
import { createEmailService } from './app';
import { emailConfigSchema } from './config';

// The composition root: everything is built and wired here, and nowhere else starts anything.
runService({
  name: 'email-service',
  configSchema: emailConfigSchema,
  migrations,
  create: createEmailService,
});
