import type { usersV1 } from '@shop/contracts';
import type { UserJson } from '../schemas/users';
import { required } from './contract-violation';

export function toUserJson(user: usersV1.User | undefined): UserJson {
  const { id, email, name, createdAt } = required(user, 'a user');
  return { id, email, name, createdAt: required(createdAt, 'user.createdAt').toISOString() };
}
