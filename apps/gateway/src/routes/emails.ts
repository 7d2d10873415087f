import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { emailV1 } from '@shop/contracts';
import { call } from '@shop/grpc';
import { toEmailJson } from '../mapping/emails';
import { asCaller, type Authenticate } from '../plugins/auth';
import { bearerSecurity } from '../plugins/openapi';
import { errorResponses } from '../schemas/errors';
import { EmailPageSchema, ListEmailsQuerySchema } from '../schemas/emails';

export interface EmailRoutesOptions {
  email: emailV1.EmailServiceClient;
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
      // The email service lists the mails to the address the caller's token names.
      const page = await call(
        email.listEmails.bind(email),
        { limit: request.query.limit ?? 0, cursor: request.query.cursor ?? '' },
        asCaller(request),
      );
      return { items: page.emails.map(toEmailJson), nextCursor: page.nextCursor || null };
    },
  );

  done();
};
