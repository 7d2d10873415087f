import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { TokenRequestSchema, TokenResponseSchema } from '../schemas/auth';
import { perAddress, type RateLimits } from '../plugins/rate-limits';
import type { UsersPort } from '../ports';
import { BODY_ERRORS, errorResponses } from '../schemas/errors';

export interface AuthRoutesOptions {
  users: UsersPort;
  limits: RateLimits;
}

export const authRoutes: FastifyPluginCallbackTypebox<AuthRoutesOptions> = (app, { users, limits }, done) => {
  app.post(
    '/v1/auth/token',
    {
      config: perAddress(limits.tokens, limits.windowMs),
      schema: {
        tags: ['auth'],
        summary: 'Sign in',
        description:
          'Exchanges email and password for a bearer token. An unknown email and a wrong password get ' +
          'the same 401, so the answer does not tell which emails are registered.',
        body: TokenRequestSchema,
        response: { 200: TokenResponseSchema, ...errorResponses(...BODY_ERRORS, 401, 429) },
      },
    },
    async (request, reply) => {
      const token = await users.issueToken(request.body);
      // RFC 6749 §5.1: responses that carry tokens must not be cached.
      void reply.header('Cache-Control', 'no-store');
      return {
        accessToken: token.accessToken,
        tokenType: 'Bearer' as const,
        expiresIn: token.expiresInSeconds,
      };
    },
  );
  done();
};
