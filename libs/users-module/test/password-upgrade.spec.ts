import { randomUUID } from 'node:crypto';
import { createTestDatabase, failure, testSigningKeys, type TestDatabase } from '@shop/testing';
import { createUsersModule, migrations, type UserUseCases } from '../src';
import { legacyScryptHash } from './legacy-hash';

describe('users module: scrypt hashes are upgraded to argon2id at the next successful login', () => {
  let db: TestDatabase;
  let useCases: UserUseCases;
  const failures: unknown[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('users_passwords', migrations);
    ({ useCases } = createUsersModule({
      pool: db.pool,
      topics: { userEvents: 'users.v1.events' },
      accessTokens: {
        privateKeyPem: testSigningKeys().privateKeyPem,
        issuer: 'shop-users',
        audience: 'shop-api',
        ttlSeconds: 60,
      },
      onRehashFailed: (error) => failures.push(error),
    }));
  });

  afterAll(async () => {
    await db?.drop();
  });

  /** A user as registered before argon2id: the row written directly, with an scrypt hash. */
  async function legacyUser(email: string, password: string): Promise<string> {
    const id = randomUUID();
    await db.pool.query('INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4)', [
      id,
      email,
      'Charles Babbage',
      legacyScryptHash(password),
    ]);
    return id;
  }

  const storedHash = async (id: string) =>
    (await db.pool.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [id]))
      .rows[0]?.password_hash;

  it('logs in with the old hash, stores an argon2id one, and logs in with that next time', async () => {
    const id = await legacyUser('charles@example.com', 'difference engine');
    const first = await useCases.authenticate('charles@example.com', 'difference engine');
    expect(first.token.accessToken).toEqual(expect.any(String));
    expect(first.passwordRehashed).toBe(true);
    expect(await storedHash(id)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const upgraded = await storedHash(id);
    const second = await useCases.authenticate('charles@example.com', 'difference engine');
    // Already current: not rewritten, and nothing to report.
    expect(second.passwordRehashed).toBeUndefined();
    expect(await storedHash(id)).toBe(upgraded);
    expect(failures).toEqual([]);
  });

  it('leaves the old hash alone after a wrong password', async () => {
    const id = await legacyUser('ada@example.com', 'analytical engine');
    const before = await storedHash(id);
    const refused = await failure(useCases.authenticate('ada@example.com', 'wrong password'));
    expect(refused.code).toBe('UNAUTHENTICATED');
    expect(await storedHash(id)).toBe(before);
  });

  it('registers new users with argon2id', async () => {
    const user = await useCases.register({
      email: 'grace@example.com',
      name: 'Grace',
      password: 'cobol rules',
    });
    expect(await storedHash(user.id)).toMatch(/^\$argon2id\$/);
  });
});
