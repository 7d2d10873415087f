import { createTestDatabase, failure, testSigningKeys, type TestDatabase } from '@shop/testing';
import { createUsersModule, migrations, type User, type UserUseCases } from '../src';

/** The module over Postgres: the user and its UserRegistered event are written together, or not at all. */
describe('users module over Postgres', () => {
  let db: TestDatabase;
  let useCases: UserUseCases;
  let wakeUps = 0;

  beforeAll(async () => {
    db = await createTestDatabase('users_module', migrations);
    ({ useCases } = createUsersModule({
      pool: db.pool,
      eventsWritten: () => {
        wakeUps += 1;
      },
      topics: { userEvents: 'test.users.v1.events' },
      accessTokens: {
        privateKeyPem: testSigningKeys().privateKeyPem,
        issuer: 'shop-users',
        audience: 'shop-api',
        ttlSeconds: 60,
      },
    }));
  });

  afterAll(async () => {
    await db?.drop();
  });

  const outbox = async () =>
    (
      await db.pool.query<{ event_type: string; topic: string; message_key: string }>(
        'SELECT event_type, topic, message_key FROM outbox ORDER BY id',
      )
    ).rows;

  it('registers a user and puts UserRegistered in the outbox of the same database', async () => {
    const user = await useCases.register({ email: ' Ada@Example.com', name: 'Ada', password: 'analytical' });
    expect(user).toEqual({
      id: expect.any(String) as string,
      email: 'ada@example.com',
      name: 'Ada',
      createdAt: expect.any(Date) as Date,
    });
    expect(await outbox()).toEqual([
      { event_type: 'users.v1.UserRegistered', topic: 'test.users.v1.events', message_key: user.id },
    ]);
    expect(wakeUps).toBe(1);
  });

  it('refuses an email already registered as ALREADY_EXISTS, and writes neither user nor event', async () => {
    const before = await outbox();
    const refused = await failure(
      useCases.register({ email: 'ADA@example.com', name: 'Another Ada', password: 'analytical 2' }),
    );
    expect([refused.code, refused.message]).toEqual([
      'ALREADY_EXISTS',
      'A user with this email is already registered',
    ]);
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM users WHERE email = 'ada@example.com'",
    );
    expect(rows[0]?.n).toBe(1);
    expect(await outbox()).toEqual(before);
    expect(wakeUps).toBe(1);
  });

  it('lets only one of two registrations of the same email at once through', async () => {
    const attempts = await Promise.allSettled(
      ['One', 'Two'].map((name) =>
        useCases.register({ email: 'race@example.com', name, password: 'same time' }),
      ),
    );
    const [won, lost] = [
      attempts.find((attempt): attempt is PromiseFulfilledResult<User> => attempt.status === 'fulfilled'),
      attempts.find((attempt): attempt is PromiseRejectedResult => attempt.status === 'rejected'),
    ];
    expect((lost?.reason as { code?: string } | undefined)?.code).toBe('ALREADY_EXISTS');
    // One announcement, for the registration that won: Ada's and the winner's are all the outbox holds.
    expect((await outbox()).map((row) => row.message_key).slice(1)).toEqual([won?.value.id]);
  });
});
