import type { UsersPort, UserView } from '@shop/shop-api';
import { annotateActiveSpan } from '@shop/telemetry';
import type { User, UserUseCases } from '@shop/users-module';
import { inModule } from './module-span';

export const toUserView = ({ id, email, name, createdAt }: User): UserView => ({
  id,
  email,
  name,
  createdAt: createdAt.toISOString(),
});

/**
 * The API's users port over the users module in process. The caller was verified by the API; there is
 * no further hop to check the token again, so only the user id goes in.
 */
export function inProcessUsers(users: UserUseCases): UsersPort {
  return {
    register: (input) =>
      inModule('users', 'register', async () => {
        const user = await users.register(input);
        annotateActiveSpan({ 'app.user.id': user.id });
        return toUserView(user);
      }),
    issueToken: ({ email, password }) =>
      inModule('users', 'authenticate', async () => {
        const { token, passwordRehashed } = await users.authenticate(email, password);
        if (passwordRehashed !== undefined) annotateActiveSpan({ 'app.password.rehashed': passwordRehashed });
        return { accessToken: token.accessToken, expiresInSeconds: token.expiresInSeconds };
      }),
    getUser: (caller) =>
      inModule('users', 'getUser', async () => toUserView(await users.getUser(caller.userId)), {
        'app.user.id': caller.userId,
      }),
  };
}
