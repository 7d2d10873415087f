import { randomUUID } from 'node:crypto';
import { withTransaction, sqlState, UNIQUE_VIOLATION, type Pool } from '@shop/db';
import { isUuid } from '@shop/domain-helpers';
import { alreadyExists, invalidArgument, notFound, unauthenticated } from '@shop/errors';
import { appendToOutbox } from '@shop/messaging';
import type { UserRecord, UserRepository } from '../data-access/user-repository';
import type { AccessToken, AccessTokenIssuer } from './access-tokens';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from './passwords';
import { normalizeEmail, validateRegistration, type Registration } from './registration-rules';
import { annotateActiveSpan } from '@shop/telemetry';

export type User = Omit<UserRecord, 'passwordHash'>;

export interface UserUseCasesDeps {
  pool: Pool;
  users: UserRepository;
  tokens: AccessTokenIssuer;
  userEventsTopic: string;
  /** Told after a commit that wrote events, so the relay publishes them without waiting for its poll. */
  eventsWritten: () => void;
  /** Told when upgrading a password hash at login failed (the login still succeeded); for the log. */
  onRehashFailed?: (error: unknown) => void;
}

const withoutSecret = ({ passwordHash: _, ...user }: UserRecord): User => user;

export function createUserUseCases(deps: UserUseCasesDeps) {
  return {
    /** Registers a user and announces it (UserRegistered) in the same transaction. */
    async register(input: Registration): Promise<User> {
      const registration = validateRegistration(input);
      const passwordHash = await hashPassword(registration.password);
      try {
        const user = await withTransaction(deps.pool, async (client) => {
          const created = await deps.users.insert(client, {
            id: randomUUID(),
            email: registration.email,
            name: registration.name,
            passwordHash,
          });
          await appendToOutbox(client, {
            topic: deps.userEventsTopic,
            type: 'users.v1.UserRegistered',
            aggregateId: created.id,
            payload: {
              userId: created.id,
              email: created.email,
              name: created.name,
              registeredAt: created.createdAt,
            },
          });
          return created;
        });
        annotateActiveSpan({ 'app.user.id': user.id });
        deps.eventsWritten();
        return withoutSecret(user);
      } catch (error) {
        if (sqlState(error) === UNIQUE_VIOLATION)
          throw alreadyExists('A user with this email is already registered');
        throw error;
      }
    },

    /** One answer for an unknown email and a wrong password, in the same time, so neither leaks. */
    async authenticate(email: string, password: string): Promise<AccessToken> {
      const user = await deps.users.findByEmail(normalizeEmail(email));
      const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
      if (!user || !matches) throw unauthenticated('Invalid email or password');
      // Only now is the password known: a hash of an older scheme (scrypt) or weaker parameters is
      // replaced. Best effort: the login succeeds even if the upgrade does not, and is tried again next time.
      if (needsRehash(user.passwordHash)) {
        try {
          const upgraded = await deps.users.replacePasswordHash(
            user.id,
            user.passwordHash,
            await hashPassword(password),
          );
          annotateActiveSpan({ 'app.password.rehashed': upgraded });
        } catch (error) {
          annotateActiveSpan({ 'app.password.rehashed': false });
          deps.onRehashFailed?.(error);
        }
      }
      return deps.tokens.issue(user);
    },

    async getUser(id: string): Promise<User> {
      if (!isUuid(id))
        throw invalidArgument('id must be a UUID', [{ field: 'id', message: 'must be a UUID' }]);
      const user = await deps.users.findById(id);
      if (!user) throw notFound(`User ${id} not found`);
      return withoutSecret(user);
    },
  };
}

export type UserUseCases = ReturnType<typeof createUserUseCases>;
