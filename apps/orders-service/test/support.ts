import { status, type handleUnaryCall } from '@grpc/grpc-js';
import type { Kafka } from 'kafkajs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { bearerMetadata, createAccessTokenVerifier, forUser } from '@shop/access-token';
import { loadConfig } from '@shop/config';
import { ordersV1, usersV1, type EventTypeName } from '@shop/contracts';
import { notFound } from '@shop/errors';
import { call, createClient, createGrpcServer, grpcService, unary } from '@shop/grpc';
import { createKafka, TOPICS } from '@shop/kafka';
import type { Logger } from '@shop/logger';
import { startEventConsumer, type ReceivedEvent } from '@shop/messaging';
import { mtlsServerCredentials, type GrpcClientSecurity } from '@shop/service-identity';
import {
  createTestDatabase,
  fastConsumerTimings,
  testBrokers,
  testLogger,
  uniqueTopicPrefix,
  type TestDatabase,
  testKafkaEnv,
  testServiceEnv,
  testCertificates,
  testAccessTokens,
} from '@shop/testing';
import { migrations } from '@shop/orders-module';
import { createOrdersService } from '../src/app';
import { ordersConfigSchema } from '../src/config';

/** The users the users-service stand-in knows. */
export const USERS = {
  ada: { id: '0b3c1f52-6f4e-4c8e-9a51-2f6d9b1e7a01', email: 'ada@example.com', name: 'Ada Lovelace' },
  grace: { id: '5d2a7c93-1b8e-4f60-8d3c-7e4a2b9c0d02', email: 'grace@example.com', name: 'Grace Hopper' },
  linus: { id: 'a7e94b18-3c5d-4a27-b6f1-9d0c8e2f4a03', email: 'linus@example.com', name: 'Linus Torvalds' },
  margaret: {
    id: 'c4f81d26-8a3b-4e95-a7c2-1b6d0e9f5a04',
    email: 'margaret@example.com',
    name: 'Margaret Hamilton',
  },
} as const;

/** Signs the access tokens the tests call with; the service and the users stand-in verify them. */
export const TOKENS = testAccessTokens();

/** Call options for a call made as `userId`: their access token in the metadata. */
export const asUser = (userId: string) => ({ metadata: bearerMetadata(TOKENS.sign(userId)) });

/** A user whose GetUser answers later than the orders service's deadline for the users service. */
export const SLOW_USER_ID = 'e9d5c3b1-7f2a-4d68-9b04-6c1a8e3f2b05';
export const NO_SUCH_USER_ID = '00000000-0000-4000-8000-000000000000';

/** Small enough that a slow users service fails a test quickly; ample for one on the same machine. */
const USERS_DEADLINE_MS = 400;

const unimplemented: handleUnaryCall<unknown, never> = (_call, callback) =>
  callback({ code: status.UNIMPLEMENTED, details: 'not served by the test stand-in' });

/**
 * A stand-in for the users service, served over real gRPC from the fixed table above. Apps may not
 * import other apps, so this is the one double in these tests, at the service's outside edge; it
 * answers GetUser only, the one call the orders service makes, and nothing more. Like the users service,
 * it answers for the user of the access token the call carries only, so a token the orders service did
 * not pass on fails the call.
 */
export async function startUsersStandIn(logger: Logger): Promise<{ address: string; stop(): Promise<void> }> {
  const users: readonly { id: string; email: string; name: string }[] = Object.values(USERS);
  const tokens = createAccessTokenVerifier({
    publicKeyPem: TOKENS.publicKeyPem,
    issuer: 'shop-users',
    audience: 'shop-api',
  });
  const certificates = await testCertificates();
  const server = createGrpcServer({
    logger,
    // The users service's certificate: orders must find the peer it expects, and present its own.
    credentials: mtlsServerCredentials(certificates.tls('users-service')),
    services: [
      grpcService(usersV1.UsersServiceService, {
        register: unimplemented,
        authenticate: unimplemented,
        getUser: unary(
          forUser(tokens, async ({ id }, caller) => {
            if (id === SLOW_USER_ID) await sleep(USERS_DEADLINE_MS * 3);
            const user = users.find((candidate) => candidate.id === id && candidate.id === caller.userId);
            if (!user) throw notFound(`User ${id} not found`);
            return { user: { ...user, createdAt: new Date('2024-01-01T00:00:00Z') } };
          }),
          logger,
        ),
      }),
    ],
  });
  const port = await server.listen('127.0.0.1', 0);
  return { address: `127.0.0.1:${port}`, stop: () => server.shutdown(2_000) };
}

/** An address where nothing listens: a users service that is down. */
export async function deadAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return `127.0.0.1:${address.port}`;
}

type OrderEventType = Extract<EventTypeName, `orders.v1.${string}`>;
export type OrderEvent = ReceivedEvent<OrderEventType>;

export interface RunningOrdersService {
  prefix: string;
  client: ordersV1.OrdersServiceClient;
  /** The gateway's identity, which the service's caller tables let in (mutual TLS, as deployed). */
  asGateway: GrpcClientSecurity;
  port: number;
  stop(): Promise<void>;
}

/** Starts the orders service in-process on port 0, as main.ts would, against the given database. */
export async function startOrdersService(options: {
  db: TestDatabase;
  kafka: Kafka;
  logger: Logger;
  usersAddress: string;
  prefix?: string;
}): Promise<RunningOrdersService> {
  const prefix = options.prefix ?? uniqueTopicPrefix('orders');
  const certificates = await testCertificates();
  const config = loadConfig(ordersConfigSchema, {
    ...testServiceEnv(options.db),
    GRPC_TLS_DIR: certificates.tlsDir('orders-service'),
    SHUTDOWN_GRACE_MS: '2000',
    ...testKafkaEnv(prefix),
    USERS_SERVICE_ADDRESS: options.usersAddress,
    USERS_DEADLINE_MS: String(USERS_DEADLINE_MS),
    JWT_PUBLIC_KEY: TOKENS.publicKeyPem,
  });
  const service = createOrdersService({
    config,
    pool: options.db.pool,
    kafka: options.kafka,
    logger: options.logger,
  });
  const port = await service.start();
  const asGateway = certificates.clientSecurity('gateway', 'orders-service');
  const client = createClient(ordersV1.OrdersServiceClient, `127.0.0.1:${port}`, {
    deadlineMs: 5_000,
    ...asGateway,
  });
  return {
    prefix,
    client,
    asGateway,
    port,
    async stop() {
      client.close();
      await service.stop();
    },
  };
}

/** Everything a suite needs: its own database and topics, the users stand-in, the service, a listener. */
export interface OrdersSuite {
  db: TestDatabase;
  kafka: Kafka;
  logger: Logger;
  usersAddress: string;
  service: RunningOrdersService;
  prefix: string;
  /** Every event on the suite's orders topic, in the order received. */
  orderEvents: OrderEvent[];
  stop(): Promise<void>;
}

export async function startOrdersSuite(label: string): Promise<OrdersSuite> {
  const logger = testLogger('orders-service');
  const kafka = createKafka({ brokers: testBrokers(), clientId: `${label}-spec`, logger });
  const users = await startUsersStandIn(logger);
  const db = await createTestDatabase(label, migrations);
  const prefix = uniqueTopicPrefix(label);
  const orderEvents: OrderEvent[] = [];
  const collect = (event: OrderEvent) => {
    orderEvents.push(event);
    return Promise.resolve();
  };
  const [service, listener] = await Promise.all([
    startOrdersService({ db, kafka, logger, usersAddress: users.address, prefix }),
    startEventConsumer({
      kafka,
      groupId: `${prefix}listener`,
      topics: [`${prefix}${TOPICS.orderEvents.name}`],
      deadLetterTopic: `${prefix}listener.dlt`,
      logger,
      ...fastConsumerTimings,
      handlers: {
        'orders.v1.OrderCreated': collect,
        'orders.v1.OrderConfirmed': collect,
        'orders.v1.OrderCancelled': collect,
      },
    }),
  ]);
  return {
    db,
    kafka,
    logger,
    usersAddress: users.address,
    service,
    prefix,
    orderEvents,
    async stop() {
      try {
        await stopAll([() => service.stop(), () => listener.stop()]);
      } finally {
        await users.stop();
        await db.drop();
      }
    },
  };
}

/** Stops each, even when one fails, so a failing suite still leaves nothing running. */
export async function stopAll(stops: readonly (() => Promise<void>)[]): Promise<void> {
  const results = await Promise.allSettled(stops.map((stop) => stop()));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Catalog prices the tests rely on, as the catalog migration seeds them. */
export const PRICES = { 'beans-huila': 1_290, 'paper-filters': 650, 'hand-grinder': 8_900 } as const;

/** A request and the user who sends it: the call carries that user's access token. */
export type SentBy<Request> = Request & { userId: string };

/**
 * A valid order request sent by `userId`: two catalog products, one with the price the client expects
 * and one without; tests change what they are about.
 */
export function orderRequest(
  userId: string,
  overrides: Partial<SentBy<ordersV1.CreateOrderRequest>> = {},
): SentBy<ordersV1.CreateOrderRequest> {
  return {
    userId,
    items: [],
    requestedItems: [
      { sku: 'beans-huila', quantity: 2, expectedUnitPriceCents: PRICES['beans-huila'] },
      { sku: 'paper-filters', quantity: 1 },
    ],
    currency: 'EUR',
    paymentMethod: 'pm_card_visa',
    idempotencyKey: '',
    ...overrides,
  };
}

export const createOrder = (
  client: ordersV1.OrdersServiceClient,
  { userId, ...request }: SentBy<ordersV1.CreateOrderRequest>,
) => call(client.createOrder.bind(client), request, asUser(userId));

export { failure } from '@shop/testing';
