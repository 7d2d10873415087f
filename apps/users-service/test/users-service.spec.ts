import { createVerifier } from 'fast-jwt';
import { usersV1 } from '@shop/contracts';
import { call, createClient, waitUntilServing } from '@shop/grpc';
import { createKafka } from '@shop/kafka';
import { startEventConsumer } from '@shop/messaging';
import {
  createTestDatabase,
  eventually,
  fastConsumerTimings,
  testBrokers,
  testLogger,
  testSigningKeys,
  uniqueTopicPrefix,
  type TestDatabase,
  testKafkaEnv,
  testServiceEnv,
  failure,
} from '@shop/testing';
import { loadConfig } from '@shop/config';
import { createUsersService } from '../src/app';
import { usersConfigSchema } from '../src/config';
import { migrations } from '../src/data-access/migrations';

describe('users-service', () => {
  const logger = testLogger('users-service');
  const keys = testSigningKeys();
  const prefix = uniqueTopicPrefix('users');
  let db: TestDatabase;
  let service: ReturnType<typeof createUsersService>;
  let client: usersV1.UsersServiceClient;
  let port: number;
  const kafka = createKafka({ brokers: testBrokers(), clientId: 'users-spec', logger });

  beforeAll(async () => {
    db = await createTestDatabase('users', migrations);
    const config = loadConfig(usersConfigSchema, {
      ...testServiceEnv(db),
      ...testKafkaEnv(prefix),
      JWT_PRIVATE_KEY: keys.privateKeyPem,
    });
    service = createUsersService({ config, pool: db.pool, kafka, logger });
    port = await service.start();
    client = createClient(usersV1.UsersServiceClient, `127.0.0.1:${port}`, { deadlineMs: 5_000 });
  });

  afterAll(async () => {
    client.close();
    await service.stop();
    await db.drop();
  });

  const register = (request: usersV1.RegisterRequest) => call(client.register.bind(client), request);

  it('registers a user, never returns the password, and announces UserRegistered', async () => {
    const announced: string[] = [];
    const consumer = await startEventConsumer({
      kafka,
      groupId: `${prefix}listener`,
      topics: [`${prefix}users.v1.events`],
      deadLetterTopic: `${prefix}listener.dlt`,
      logger,
      ...fastConsumerTimings,
      handlers: {
        'users.v1.UserRegistered': (event) => {
          announced.push(`${event.payload.email}/${event.payload.name}/${event.aggregateId}`);
          return Promise.resolve();
        },
      },
    });
    try {
      const { user } = await register({
        email: ' Ada@Example.com ',
        name: 'Ada Lovelace',
        password: 'analytical-engine',
      });
      expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
      expect(JSON.stringify(user)).not.toContain('analytical-engine');
      await eventually(() => expect(announced).toEqual([`ada@example.com/Ada Lovelace/${user?.id}`]));
    } finally {
      await consumer.stop();
    }
  });

  it('refuses a second registration of the same email, whatever its case', async () => {
    await register({ email: 'grace@example.com', name: 'Grace Hopper', password: 'cobol-rules' });
    const error = await failure(
      register({ email: 'GRACE@example.com', name: 'Grace H', password: 'cobol-rules-2' }),
    );
    expect(error.code).toBe('ALREADY_EXISTS');
  });

  it.each([
    ['an invalid email', { email: 'not-an-email', name: 'Alan', password: 'long enough' }, 'email'],
    ['a short password', { email: 'alan@example.com', name: 'Alan', password: 'short' }, 'password'],
    [
      'markup in the name',
      { email: 'alan@example.com', name: '<script>alert(1)</script>', password: 'long enough' },
      'name',
    ],
    [
      'SQL in the name',
      { email: 'alan@example.com', name: "Robert'); DROP TABLE users;--", password: 'long enough' },
      'name',
    ],
  ])(
    'rejects %s as INVALID_ARGUMENT naming the field, and writes nothing',
    async (_label, request, field) => {
      const error = await failure(register(request));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.details.map((detail) => detail.field)).toContain(field);
      const { rows } = await db.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM users WHERE email LIKE 'alan%'",
      );
      expect(rows[0]?.n).toBe(0);
    },
  );

  it('issues a signed token for the right password that the public key verifies', async () => {
    const { user } = await register({ email: 'linus@example.com', name: 'Linus', password: 'penguins!' });
    const token = await call(client.authenticate.bind(client), {
      email: 'LINUS@example.com',
      password: 'penguins!',
    });
    expect(token).toMatchObject({ tokenType: 'Bearer', expiresInSeconds: 900 });
    const claims = createVerifier({ key: keys.publicKeyPem, algorithms: ['EdDSA'], allowedAud: 'shop-api' })(
      token.accessToken,
    ) as { sub: string; email: string };
    expect(claims).toMatchObject({ sub: user?.id, email: 'linus@example.com' });
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const unknown = await failure(
      call(client.authenticate.bind(client), { email: 'nobody@example.com', password: 'whatever1' }),
    );
    const wrong = await failure(
      call(client.authenticate.bind(client), { email: 'linus@example.com', password: 'wrong-password' }),
    );
    expect([unknown.code, unknown.message]).toEqual(['UNAUTHENTICATED', 'Invalid email or password']);
    expect([wrong.code, wrong.message]).toEqual([unknown.code, unknown.message]);
  });

  it('gets a user by id, NOT_FOUND for an unknown id and INVALID_ARGUMENT for a malformed one', async () => {
    const { user } = await register({
      email: 'margaret@example.com',
      name: 'Margaret Hamilton',
      password: 'apollo-11',
    });
    const found = await call(client.getUser.bind(client), { id: user?.id ?? '' });
    expect(found.user?.email).toBe('margaret@example.com');
    expect(
      (await failure(call(client.getUser.bind(client), { id: '00000000-0000-4000-8000-000000000000' }))).code,
    ).toBe('NOT_FOUND');
    expect((await failure(call(client.getUser.bind(client), { id: 'nope' }))).code).toBe('INVALID_ARGUMENT');
  });

  it('reports SERVING over the gRPC health checking protocol', async () => {
    await expect(waitUntilServing(`127.0.0.1:${port}`, 2_000)).resolves.toBeUndefined();
  });
});
