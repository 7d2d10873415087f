import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { usersV1 } from '@shop/contracts';
import { call } from '@shop/grpc';
import { toUserJson } from '../mapping/users';
import { callerOf, type Authenticate } from '../plugins/auth';
import { bearerSecurity } from '../plugins/openapi';
import { BODY_ERRORS, errorResponses } from '../schemas/errors';
import { RegisterBodySchema, UserSchema } from '../schemas/users';

export interface UserRoutesOptions {
  users: usersV1.UsersServiceClient;
  authenticate: Authenticate;
}

export const userRoutes: FastifyPluginCallbackTypebox<UserRoutesOptions> = (
  app,
  { users, authenticate },
  done,
) => {
  app.post(
    '/v1/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Register',
        description: 'Creates an account. The password is at least 8 characters and is never returned.',
        body: RegisterBodySchema,
        response: { 201: UserSchema, ...errorResponses(...BODY_ERRORS, 409) },
      },
    },
    async (request, reply) => {
      const { user } = await call(users.register.bind(users), request.body);
      return reply.code(201).send(toUserJson(user));
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
    async (request) => {
      const { user } = await call(users.getUser.bind(users), { id: callerOf(request).userId });
      return toUserJson(user);
    },
  );
  done();
};
