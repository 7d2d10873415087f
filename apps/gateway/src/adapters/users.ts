import type { usersV1 } from '@shop/contracts';
import { call } from '@shop/grpc';
import type { UsersPort, UserView } from '@shop/shop-api';
import { asCaller } from './caller';
import { required } from './contract-violation';

export function toUserJson(user: usersV1.User | undefined): UserView {
  const { id, email, name, createdAt } = required(user, 'a user');
  return { id, email, name, createdAt: required(createdAt, 'user.createdAt').toISOString() };
}

/** The API's users port over the users service. */
export function grpcUsers(users: usersV1.UsersServiceClient): UsersPort {
  return {
    async register(input) {
      return toUserJson((await call(users.register.bind(users), input)).user);
    },
    async issueToken(credentials) {
      const { accessToken, expiresInSeconds } = await call(users.authenticate.bind(users), credentials);
      return { accessToken, expiresInSeconds };
    },
    async getUser(caller) {
      const { user } = await call(users.getUser.bind(users), { id: caller.userId }, asCaller(caller));
      return toUserJson(user);
    },
  };
}
