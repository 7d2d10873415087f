import { randomUUID } from 'node:crypto';
import { isUuid } from '@shop/domain-helpers';
import { alreadyExists, invalidArgument, notFound, unauthenticated } from '@shop/errors';
import type { UnitOfWork } from '@shop/messaging/ports';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from './passwords';
import { normalizeEmail, validateRegistration, type Registration } from './registration-rules';
import type { AccessToken, AccessTokenIssuer, User, UserRecord, UserRepository } from './user';

/** What a unit of work's transaction holds for these use cases. */
export interface UserRepositories {
  users: UserRepository;
}

export interface UserUseCasesDeps {
  /** Reads and the best-effort hash upgrade, outside any transaction. */
  users: UserRepository;
  unitOfWork: UnitOfWork<UserRepositories>;
  tokens: AccessTokenIssuer;
  userEventsTopic: string;
  /** Told when upgrading a password hash at login failed (the login still succeeded); for the log. */
  onRehashFailed?: (error: unknown) => void;
}

/** A successful login: the token, and what became of an outdated password hash. */
export interface Authentication {
  token: AccessToken;
  /**
   * Set only when the stored hash was of an older scheme or weaker parameters: whether it was replaced
   * by a current one (false when the upgrade failed or the password had changed meanwhile).
   */
  passwordRehashed?: boolean;
}

const withoutSecret = ({ passwordHash: _, ...user }: UserRecord): User => user;

export function createUserUseCases(deps: UserUseCasesDeps) {
  return {
    /** Registers a user and announces it (UserRegistered): both are recorded, or neither. */
    async register(input: Registration): Promise<User> {
      const registration = validateRegistration(input);
      // Hashed before the unit of work starts: tens of milliseconds that must not hold a transaction.
      const passwordHash = await hashPassword(registration.password);
      const user = await deps.unitOfWork.run(async ({ repositories, publish }) => {
        const insertion = await repositories.users.insert({
          id: randomUUID(),
          email: registration.email,
          name: registration.name,
          passwordHash,
        });
        if (insertion.outcome === 'email-taken')
          throw alreadyExists('A user with this email is already registered');
        const created = insertion.user;
        publish({
          topic: deps.userEventsTopic,
          type: 'users.v1.UserRegistered',
          aggregateId: created.id,
          occurredAt: created.createdAt,
          payload: {
            userId: created.id,
            email: created.email,
            name: created.name,
            registeredAt: created.createdAt,
          },
        });
        return created;
      });
      return withoutSecret(user);
    },

    /** One answer for an unknown email and a wrong password, in the same time, so neither leaks. */
    async authenticate(email: string, password: string): Promise<Authentication> {
      const user = await deps.users.findByEmail(normalizeEmail(email));
      const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
      if (!user || !matches) throw unauthenticated('Invalid email or password');
      const token = deps.tokens.issue(user);
      if (!needsRehash(user.passwordHash)) return { token };
      // Only now is the password known: a hash of an older scheme (scrypt) or weaker parameters is
      // replaced. Best effort: the login succeeds even if the upgrade does not, and is tried again next time.
      try {
        const upgraded = await deps.users.replacePasswordHash(
          user.id,
          user.passwordHash,
          await hashPassword(password),
        );
        return { token, passwordRehashed: upgraded };
      } catch (error) {
        deps.onRehashFailed?.(error);
        return { token, passwordRehashed: false };
      }
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
