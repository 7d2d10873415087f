import { loadConfig } from '@shop/config';
import { Client, escapeIdentifier } from 'pg';
import { createOrderStatusHub } from '@shop/shop-api';
import { randomBytes } from 'node:crypto';
import { dropDatabase, provisionDatabase } from '@shop/db';
import {
  adminConnection,
  startSmtpCapture,
  testLogger,
  testSigningKeys,
  type ServerConnection,
  type SmtpCapture,
} from '@shop/testing';
import { createMonolith, type Monolith } from '../src/app';
import { monolithConfigSchema, type MonolithConfig } from '../src/config';
import {
  closeModuleDatabases,
  MODULES,
  moduleSchemaOf,
  openModuleDatabases,
  type ModulePools,
} from '../src/module-databases';

export interface TestMonolith {
  baseUrl: string;
  config: MonolithConfig;
  monolith: Monolith;
  pools: ModulePools;
  smtp: SmtpCapture;
  /** Stops the monolith, closes its pools, drops the database and the modules' roles. */
  close(): Promise<void>;
}

/** DATABASE_URL for a database of a test server, as its admin (who may create roles and schemas). */
export function adminUrl(database: string, admin: ServerConnection = adminConnection()): string {
  const password = admin.password ? `:${encodeURIComponent(admin.password)}` : '';
  return `postgres://${encodeURIComponent(admin.user)}${password}@${admin.host}:${admin.port}/${database}`;
}

/**
 * The monolith as main.ts composes it, in this process: a throwaway database with a schema and role per
 * module, a captured mail server, the HTTP API on a free loopback port and a quick card network.
 */
export async function startTestMonolith(
  label: string,
  server: ServerConnection = adminConnection(),
): Promise<TestMonolith> {
  const database = `test_${label}_${randomBytes(4).toString('hex')}`;
  await provisionDatabase(server, { database, role: database, password: server.password });
  const smtp = await startSmtpCapture();
  const config = loadConfig(monolithConfigSchema, {
    DATABASE_URL: adminUrl(database, server),
    JWT_PRIVATE_KEY: testSigningKeys().privateKeyPem,
    SMTP_URL: smtp.url,
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: '0',
    CARD_NETWORK_LATENCY_MS: '5',
    CARD_NETWORK_JITTER_MS: '0',
    PG_POOL_MAX: '3',
    STOREFRONT_DIR: '/nonexistent/storefront',
    LOG_LEVEL: 'silent',
  });
  const logger = testLogger('monolith');
  const pools = await openModuleDatabases(config, logger, 'monolith-test');
  const orderEvents = createOrderStatusHub((error) => logger.error({ err: error }, 'listener failed'));
  const monolith = await createMonolith({
    config,
    logger,
    pools,
    orderEvents,
    relay: { pollIntervalMs: 50, initialBackoffMs: 50, maxBackoffMs: 500 },
  });
  const port = await monolith.start();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    monolith,
    pools,
    smtp,
    async close() {
      await monolith.stop();
      await closeModuleDatabases(pools);
      await smtp.stop();
      await dropDatabaseAndRoles(server, config);
    },
  };
}

/** A JSON request to the monolith's API; the answer's status and parsed body. */
export async function request<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Drops a test database and its roles (roles are server-wide: they go with the database they were made for). */
export async function dropDatabaseAndRoles(server: ServerConnection, config: MonolithConfig): Promise<void> {
  const { database } = config.DATABASE_URL;
  await dropDatabase(server, database);
  const admin = new Client(server);
  await admin.connect();
  try {
    for (const role of [database, ...MODULES.map((module) => moduleSchemaOf(config, module).role)]) {
      await admin.query(`DROP ROLE IF EXISTS ${escapeIdentifier(role)}`);
    }
  } finally {
    await admin.end();
  }
}
