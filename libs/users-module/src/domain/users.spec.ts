import { randomUUID } from 'node:crypto';
import type { OutgoingEvent, UnitOfWork } from '@shop/messaging/ports';
import { legacyScryptHash } from '../../test/legacy-hash';
import type { AccessTokenIssuer, UserRecord, UserRepository } from './user';
import { createUserUseCases, type UserRepositories } from './users';

/**
 * The use cases in-process, over ports kept in memory: no database, broker or span in sight. What they
 * do over Postgres is covered by test/users-module.spec.ts.
 */
function inMemory(options: { replacePasswordHash?: UserRepository['replacePasswordHash'] } = {}) {
  const rows = new Map<string, UserRecord>();
  const published: OutgoingEvent[] = [];
  const rehashFailures: unknown[] = [];
  const users: UserRepository = {
    insert(user) {
      if ([...rows.values()].some((row) => row.email === user.email))
        return Promise.resolve({ outcome: 'email-taken' });
      const row = { ...user, createdAt: new Date() };
      rows.set(row.id, row);
      return Promise.resolve({ outcome: 'inserted', user: row });
    },
    findByEmail: (email) => Promise.resolve([...rows.values()].find((row) => row.email === email)),
    findById: (id) => Promise.resolve(rows.get(id)),
    replacePasswordHash:
      options.replacePasswordHash ??
      ((id, previous, next) => {
        const row = rows.get(id);
        if (row?.passwordHash !== previous) return Promise.resolve(false);
        rows.set(id, { ...row, passwordHash: next });
        return Promise.resolve(true);
      }),
  };
  // Keeps what the work published only when the work succeeds, as a transaction would.
  const unitOfWork: UnitOfWork<UserRepositories> = {
    async run(work) {
      const events: OutgoingEvent[] = [];
      const result = await work({ repositories: { users }, publish: (event) => events.push(event) });
      published.push(...events);
      return result;
    },
    runOnce: () => Promise.reject(new Error('the users use cases handle no deliveries')),
  };
  const tokens: AccessTokenIssuer = {
    issue: (user) => ({ accessToken: `token-for-${user.id}`, tokenType: 'Bearer', expiresInSeconds: 60 }),
  };
  const useCases = createUserUseCases({
    users,
    unitOfWork,
    tokens,
    userEventsTopic: 'users.v1.events',
    onRehashFailed: (error) => rehashFailures.push(error),
  });
  return { useCases, rows, published, rehashFailures };
}

const ada = { email: ' Ada@Example.com ', name: '  Ada   Lovelace ', password: 'analytical engine' };

describe('registering', () => {
  it('stores the user normalised, hashed, and announces UserRegistered with it', async () => {
    const shop = inMemory();
    const user = await shop.useCases.register(ada);
    expect(user).toEqual({
      id: expect.any(String) as string,
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      createdAt: expect.any(Date) as Date,
    });
    expect(user).not.toHaveProperty('passwordHash');
    expect(shop.rows.get(user.id)?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(shop.published).toEqual([
      {
        topic: 'users.v1.events',
        type: 'users.v1.UserRegistered',
        aggregateId: user.id,
        occurredAt: user.createdAt,
        payload: { userId: user.id, email: user.email, name: user.name, registeredAt: user.createdAt },
      },
    ]);
  });

  it('refuses an email already taken, whatever its case, as ALREADY_EXISTS and announces nothing', async () => {
    const shop = inMemory();
    await shop.useCases.register(ada);
    await expect(shop.useCases.register({ ...ada, email: 'ADA@example.COM' })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    expect(shop.rows.size).toBe(1);
    expect(shop.published).toHaveLength(1);
  });

  it('refuses an invalid registration before anything is written', async () => {
    const shop = inMemory();
    await expect(shop.useCases.register({ ...ada, password: 'short' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: [expect.objectContaining({ field: 'password' })],
    });
    expect([shop.rows.size, shop.published.length]).toEqual([0, 0]);
  });
});

describe('authenticating', () => {
  it('issues a token for the right password, and reports no rehash for a current hash', async () => {
    const shop = inMemory();
    const user = await shop.useCases.register(ada);
    await expect(shop.useCases.authenticate('ADA@example.com ', ada.password)).resolves.toEqual({
      token: { accessToken: `token-for-${user.id}`, tokenType: 'Bearer', expiresInSeconds: 60 },
    });
  });

  it('gives one answer for an unknown email and a wrong password', async () => {
    const shop = inMemory();
    await shop.useCases.register(ada);
    // One at a time: a second refusal started alongside would reject before anything awaits it.
    const wrong = () => shop.useCases.authenticate(ada.email, 'wrong password');
    const unknown = () => shop.useCases.authenticate('nobody@example.com', ada.password);
    for (const attempt of [wrong, unknown]) {
      await expect(attempt()).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
        message: 'Invalid email or password',
      });
    }
  });

  const legacyUser = (shop: ReturnType<typeof inMemory>) => {
    const id = randomUUID();
    const passwordHash = legacyScryptHash('difference engine');
    shop.rows.set(id, {
      id,
      email: 'charles@example.com',
      name: 'Charles',
      passwordHash,
      createdAt: new Date(),
    });
    return { id, passwordHash };
  };

  it('replaces an outdated hash after a successful login, and reports it', async () => {
    const shop = inMemory();
    const { id, passwordHash } = legacyUser(shop);
    const result = await shop.useCases.authenticate('charles@example.com', 'difference engine');
    expect(result.passwordRehashed).toBe(true);
    expect(shop.rows.get(id)?.passwordHash).not.toBe(passwordHash);
    expect(shop.rows.get(id)?.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('still logs in when the upgrade fails, reports it as not rehashed and tells who logs it', async () => {
    const broken = new Error('connection lost');
    const shop = inMemory({ replacePasswordHash: () => Promise.reject(broken) });
    const { id, passwordHash } = legacyUser(shop);
    const result = await shop.useCases.authenticate('charles@example.com', 'difference engine');
    expect(result).toEqual({
      token: expect.objectContaining({ tokenType: 'Bearer' }) as object,
      passwordRehashed: false,
    });
    expect(shop.rows.get(id)?.passwordHash).toBe(passwordHash);
    expect(shop.rehashFailures).toEqual([broken]);
  });
});

describe('getting a user', () => {
  it('returns the user without its hash; an unknown id is NOT_FOUND, a malformed one INVALID_ARGUMENT', async () => {
    const shop = inMemory();
    const user = await shop.useCases.register(ada);
    await expect(shop.useCases.getUser(user.id)).resolves.toEqual(user);
    await expect(shop.useCases.getUser(randomUUID())).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(shop.useCases.getUser('nope')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
