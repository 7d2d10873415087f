import { Metadata } from '@grpc/grpc-js';
import { createVerifier } from 'fast-jwt';
import { bearerMetadata } from '@shop/access-token';
import { usersV1 } from '@shop/contracts';
import { call, createClient, waitUntilServing } from '@shop/grpc';
import { createKafka } from '@shop/kafka';
import { startEventConsumer } from '@shop/messaging';
import type { GrpcClientSecurity } from '@shop/service-identity';
import {
  createTestDatabase,
  eventually,
  fastConsumerTimings,
  testBrokers,
  testLogger,
  testAccessTokens,
  uniqueTopicPrefix,
  type TestDatabase,
  testKafkaEnv,
  testServiceEnv,
  testCertificates,
  failure,
} from '@shop/testing';
import { loadConfig } from '@shop/config';
import { migrations } from '@shop/users-module';
import { createUsersService } from '../src/app';
import { usersConfigSchema } from '../src/config';

describe('users-service', () => {
  const logger = testLogger('users-service');
  const keys = testAccessTokens();
  const prefix = uniqueTopicPrefix('users');
  let db: TestDatabase;
  let service: ReturnType<typeof createUsersService>;
  let client: usersV1.UsersServiceClient;
  let port: number;
  let asGateway: GrpcClientSecurity;
  const kafka = createKafka({ brokers: testBrokers(), clientId: 'users-spec', logger });

  beforeAll(async () => {
    db = await createTestDatabase('users', migrations);
    // Served over mutual TLS as deployed, called as the gateway: the identity the caller table lets in.
    const certificates = await testCertificates();
    const config = loadConfig(usersConfigSchema, {
      ...testServiceEnv(db),
      GRPC_TLS_DIR: certificates.tlsDir('users-service'),
      ...testKafkaEnv(prefix),
      JWT_PRIVATE_KEY: keys.privateKeyPem,
    });
    service = createUsersService({ config, pool: db.pool, kafka, logger });
    port = await service.start();
    asGateway = certificates.clientSecurity('gateway', 'users-service');
    client = createClient(usersV1.UsersServiceClient, `127.0.0.1:${port}`, {
      deadlineMs: 5_000,
      ...asGateway,
    });
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

  const getUser = (id: string, token: string | undefined) =>
    call(
      client.getUser.bind(client),
      { id },
      { metadata: token === undefined ? new Metadata() : bearerMetadata(token) },
    );

  it('gets the user of the token it issued; another user, an unknown id and a malformed one are refused', async () => {
    const { user } = await register({
      email: 'margaret@example.com',
      name: 'Margaret Hamilton',
      password: 'apollo-11',
    });
    const id = user?.id ?? '';
    const { accessToken } = await call(client.authenticate.bind(client), {
      email: 'margaret@example.com',
      password: 'apollo-11',
    });
    expect((await getUser(id, accessToken)).user?.email).toBe('margaret@example.com');

    // Someone else's token: NOT_FOUND, exactly as for an id nobody has.
    const { user: other } = await register({
      email: 'katherine@example.com',
      name: 'Katherine Johnson',
      password: 'cobol-1959',
    });
    const someoneElses = await failure(getUser(id, keys.sign(other?.id ?? '')));
    const unknownId = '00000000-0000-4000-8000-000000000000';
    const unknown = await failure(getUser(unknownId, keys.sign(unknownId)));
    expect([someoneElses.code, unknown.code]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect(someoneElses.message.replace(id, '<id>')).toBe(unknown.message.replace(unknownId, '<id>'));
    expect((await failure(getUser('nope', keys.sign('nope')))).code).toBe('INVALID_ARGUMENT');
  });

  it.each([
    ['no token', () => undefined],
    ['a token signed by another key', (id: string) => keys.forged(id)],
    ['an expired token', (id: string) => keys.expired(id)],
    ['a token for another audience', (id: string) => keys.wrongAudience(id)],
  ])('refuses GetUser with %s as UNAUTHENTICATED', async (label, tokenFor) => {
    const { user } = await register({
      email: `${label.replace(/\W+/g, '-')}@example.com`,
      name: 'Someone',
      password: 'long-enough',
    });
    const id = user?.id ?? '';
    expect((await failure(getUser(id, tokenFor(id)))).code).toBe('UNAUTHENTICATED');
  });

  it('reports SERVING over the gRPC health checking protocol', async () => {
    await expect(waitUntilServing(`127.0.0.1:${port}`, 2_000, '', asGateway)).resolves.toBeUndefined();
  });
});
