import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { callerOf, type Authenticate } from '../plugins/auth';
import { bearerSecurity } from '../plugins/openapi';
import type { EmailPort } from '../ports';
import { errorResponses } from '../schemas/errors';
import { EmailPageSchema, ListEmailsQuerySchema } from '../schemas/emails';

export interface EmailRoutesOptions {
  email: EmailPort;
  authenticate: Authenticate;
}

export const emailRoutes: FastifyPluginCallbackTypebox<EmailRoutesOptions> = (
  app,
  { email, authenticate },
  done,
) => {
  app.get(
    '/v1/users/me/emails',
    {
      onRequest: authenticate,
      schema: {
        tags: ['users'],
        summary: 'The mails sent to me',
        description:
          'Welcome mails, order confirmations and cancellations, newest first, a page at a time; follow ' +
          '`nextCursor` until it is null.',
        security: bearerSecurity,
        querystring: ListEmailsQuerySchema,
        response: { 200: EmailPageSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      return email.listEmails(callerOf(request), { limit, cursor });
    },
  );

  done();
};
