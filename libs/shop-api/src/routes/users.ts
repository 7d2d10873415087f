import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { callerOf, type Authenticate } from '../plugins/auth';
import { bearerSecurity } from '../plugins/openapi';
import { perAddress, type RateLimits } from '../plugins/rate-limits';
import type { UsersPort } from '../ports';
import { BODY_ERRORS, errorResponses } from '../schemas/errors';
import { RegisterBodySchema, UserSchema } from '../schemas/users';

export interface UserRoutesOptions {
  users: UsersPort;
  authenticate: Authenticate;
  limits: RateLimits;
}

export const userRoutes: FastifyPluginCallbackTypebox<UserRoutesOptions> = (
  app,
  { users, authenticate, limits },
  done,
) => {
  app.post(
    '/v1/users',
    {
      config: perAddress(limits.signUps, limits.windowMs),
      schema: {
        tags: ['users'],
        summary: 'Register',
        description: 'Creates an account. The password is at least 8 characters and is never returned.',
        body: RegisterBodySchema,
        response: { 201: UserSchema, ...errorResponses(...BODY_ERRORS, 409, 429) },
      },
    },
    async (request, reply) => {
      return reply.code(201).send(await users.register(request.body));
    },
  );

  app.get(
    '/v1/users/me',
    {
      onRequest: authenticate,
      schema: {
        tags: ['users'],
        summary: 'The signed-in user',
        security: bearerSecurity,
        response: { 200: UserSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => users.getUser(callerOf(request)),
  );
  done();
};
