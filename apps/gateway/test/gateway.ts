import { randomUUID } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { loadConfig } from '@shop/config';
import { createOrderStatusHub, type OrderStatusHub } from '@shop/shop-api';
import { testBrokers, testLogger, testSigningKeys } from '@shop/testing';
import { createSigner } from 'fast-jwt';
import type { FastifyInstance } from 'fastify';
import { buildGateway } from '../src/app';
import { gatewayConfigSchema } from '../src/config';
import { createGrpcClients } from '../src/grpc-clients';

/**
 * Where every downstream address of a test gateway points: a local port that accepts TCP connections,
 * counts them and hangs up at once. To gRPC that is a service that cannot be reached (UNAVAILABLE), and
 * the count tells whether a request made the gateway call anything at all.
 */
async function startUnreachableDownstream() {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return {
    address: `127.0.0.1:${address.port}`,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface TestGateway {
  app: FastifyInstance;
  /** The hub the order streams listen to; a test publishes the order events to it. */
  orderEvents: OrderStatusHub;
  /** How many connections the gateway opened to its downstream services so far. */
  downstreamConnections(): number;
  /** A valid access token for `userId`, signed like the users service signs them. */
  token(claims?: { sub?: string; aud?: string; iss?: string }): string;
  /** Signs with another key, or at another time. */
  tokenWith(options: { privateKeyPem?: string; clockTimestamp?: number; expiresInMs?: number }): string;
  close(): Promise<void>;
}

/** A gateway built as main.ts builds it, with every downstream unreachable. */
export async function startTestGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const keys = testSigningKeys();
  const downstream = await startUnreachableDownstream();
  const config = loadConfig(gatewayConfigSchema, {
    USERS_SERVICE_ADDRESS: downstream.address,
    ORDERS_SERVICE_ADDRESS: downstream.address,
    EMAIL_SERVICE_ADDRESS: downstream.address,
    JWT_PUBLIC_KEY: keys.publicKeyPem,
    // Named, never contacted: buildGateway starts no Kafka listener (main.ts does).
    KAFKA_BROKERS: testBrokers().join(','),
    // The downstreams hang up before any handshake: what is tested here is above the transport.
    GRPC_INSECURE: 'true',
    ...env,
  });
  const logger = testLogger('gateway');
  const clients = createGrpcClients(config, logger);
  const orderEvents = createOrderStatusHub((error) => logger.error({ err: error }, 'listener failed'));
  let app: FastifyInstance;
  try {
    app = await buildGateway({ config, logger, clients, orderEvents });
    await app.ready();
  } catch (error) {
    clients.close();
    await downstream.close();
    throw error;
  }

  const sign = (
    claims: Record<string, unknown>,
    options: { privateKeyPem?: string; clockTimestamp?: number; expiresInMs?: number } = {},
  ) =>
    createSigner({
      key: options.privateKeyPem ?? keys.privateKeyPem,
      algorithm: 'EdDSA',
      expiresIn: options.expiresInMs ?? 60_000,
      ...(options.clockTimestamp === undefined ? {} : { clockTimestamp: options.clockTimestamp }),
    })({ sub: randomUUID(), email: 'ada@example.com', iss: 'shop-users', aud: 'shop-api', ...claims });

  return {
    app,
    orderEvents,
    downstreamConnections: downstream.connections,
    token: (claims = {}) => sign(claims),
    tokenWith: (options) => sign({}, options),
    close: async () => {
      await app.close();
      clients.close();
      await downstream.close();
    },
  };
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { field?: string; message: string }[];
  traceId?: string;
}

const PROBLEM_MEMBERS = ['type', 'title', 'status', 'detail', 'code', 'errors', 'traceId'];

/**
 * Asserts the one error shape, RFC 9457 problem details
 * `{ type, title, status, detail, code, errors?: [{ field?, message }], traceId? }`, and returns the body.
 */
export function expectErrorShape(body: unknown, code: string): ProblemBody {
  const problem = body as ProblemBody;
  expect(Object.keys(problem).filter((key) => !PROBLEM_MEMBERS.includes(key))).toEqual([]);
  expect(problem.code).toBe(code);
  expect(problem.type).toBe(`tag:shop.local,2026:problems/${code.toLowerCase().replace(/_/g, '-')}`);
  expect(typeof problem.title).toBe('string');
  expect(typeof problem.status).toBe('number');
  expect(typeof problem.detail).toBe('string');
  for (const detail of problem.errors ?? []) {
    expect(typeof detail.message).toBe('string');
    expect(['string', 'undefined']).toContain(typeof detail.field);
  }
  return problem;
}

/** An HTTP answer as inject() and fetch-based helpers hand it to a test. */
interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  json(): unknown;
}

/** Asserts an error answer: problem+json, its `status` the response's, in the one error shape. */
export function expectProblem(response: Answer, code: string): ProblemBody {
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const problem = expectErrorShape(response.json(), code);
  expect(problem.status).toBe(response.statusCode);
  return problem;
}
