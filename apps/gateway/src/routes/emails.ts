import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { emailV1, usersV1 } from '@shop/contracts';
import { call } from '@shop/grpc';
import { toEmailJson } from '../mapping/emails';
import { contractViolation, required } from '../mapping/contract-violation';
import { callerOf, type Authenticate } from '../plugins/auth';
import { bearerSecurity } from '../plugins/openapi';
import { errorResponses } from '../schemas/errors';
import { EmailPageSchema, ListEmailsQuerySchema } from '../schemas/emails';

export interface EmailRoutesOptions {
  users: usersV1.UsersServiceClient;
  email: emailV1.EmailServiceClient;
  authenticate: Authenticate;
}

export const emailRoutes: FastifyPluginCallbackTypebox<EmailRoutesOptions> = (
  app,
  { users, email, authenticate },
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
      const { user } = await call(users.getUser.bind(users), { id: callerOf(request).userId });
      const recipient = required(user, 'a user').email;
      // An empty recipient would ask the email service for everyone's mails.
      if (!recipient.trim()) throw contractViolation('the user’s email address');
      const page = await call(email.listEmails.bind(email), {
        recipient,
        limit: request.query.limit ?? 0,
        cursor: request.query.cursor ?? '',
      });
      return { items: page.emails.map(toEmailJson), nextCursor: page.nextCursor || null };
    },
  );

  done();
};
