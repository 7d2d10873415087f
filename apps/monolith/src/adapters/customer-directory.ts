import { isAppError } from '@shop/errors';
import type { CustomerDirectory } from '@shop/orders-module';
import type { UserUseCases } from '@shop/users-module';
import { inModule } from './module-span';

/**
 * The orders module's customers are the users module's users, asked in process: the same port the
 * orders service fills with a gRPC client. An unknown user is no customer; any other failure (the users
 * schema's database away) is passed on as it is, for the API to answer as it would for the service.
 */
export function inProcessCustomerDirectory(users: Pick<UserUseCases, 'getUser'>): CustomerDirectory {
  return {
    find: (userId) =>
      inModule('users', 'getUser', async () => {
        try {
          const { email, name } = await users.getUser(userId);
          return { email, name };
        } catch (error) {
          if (isAppError(error) && error.code === 'NOT_FOUND') return undefined;
          throw error;
        }
      }),
  };
}
