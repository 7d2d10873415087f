// The users module: registration, login and the user directory, with their own database. Any composition
// root (the users service behind gRPC, or a process hosting several modules) builds it with
// `createUsersModule` and migrates its database with `migrations`; the rest of the module stays inside.
import type { Pool } from '@shop/db';
import { createPostgresUnitOfWork } from '@shop/messaging';
import { createAccessTokenIssuer, type AccessTokenSettings } from './data-access/access-token-issuer';
import { createUserRepository } from './data-access/user-repository';
import { createUserUseCases, type UserUseCases } from './domain/users';

export { migrations } from './data-access/migrations';
export { accessTokenSigningEnv } from './env';
export type { AccessTokenSettings } from './data-access/access-token-issuer';
export type { AccessToken, User } from './domain/user';
export type { Authentication, UserUseCases } from './domain/users';
export type { Registration } from './domain/registration-rules';

export interface UsersModuleDeps {
  /** The module's own database (or schema), migrated with `migrations`. */
  pool: Pool;
  /** Told after a commit that wrote events, so the outbox relay sends them without waiting for its poll. */
  eventsWritten?: () => void;
  /** Where the module's events go: the full topic name (with any prefix) of `userEvents`. */
  topics: { userEvents: string };
  /** How access tokens are signed: the module holds the private key. */
  accessTokens: AccessTokenSettings;
  /** Told when upgrading a password hash at login failed (the login still succeeded); for the log. */
  onRehashFailed?: (error: unknown) => void;
}

export interface UsersModule {
  useCases: UserUseCases;
}

/**
 * Builds the users module over its database. The module consumes no events, so it has no event
 * handlers; its events (UserRegistered) are written to the outbox of `pool`, for a relay to send.
 */
export function createUsersModule(deps: UsersModuleDeps): UsersModule {
  const useCases = createUserUseCases({
    users: createUserRepository(deps.pool),
    unitOfWork: createPostgresUnitOfWork({
      pool: deps.pool,
      repositories: (client) => ({ users: createUserRepository(client) }),
      eventsWritten: deps.eventsWritten,
    }),
    tokens: createAccessTokenIssuer(deps.accessTokens),
    userEventsTopic: deps.topics.userEvents,
    onRehashFailed: deps.onRehashFailed,
  });
  return { useCases };
}
