import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import {
  createPool,
  dropDatabase,
  provisionDatabase,
  runMigrations,
  type Migration,
  type Pool,
  type PostgresConnection,
} from '@shop/db';
import { adminConnection } from './postgres-server';

export interface TestDatabase {
  name: string;
  /** Connection as the database's own role, as the service under test would connect. */
  connection: PostgresConnection;
  pool: Pool;
  drop(): Promise<void>;
}

/** A fresh database (and role) per test suite, migrated, so suites run in parallel and leave nothing. */
export async function createTestDatabase(
  label: string,
  migrations: readonly Migration[] = [],
): Promise<TestDatabase> {
  const admin = adminConnection();
  const name =
    `test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`.slice(0, 63);
  await provisionDatabase(admin, { database: name, role: name, password: admin.password });
  const connection: PostgresConnection = { ...admin, user: name, database: name };
  const pool = createPool(connection, { applicationName: name, max: 5 });
  await runMigrations(pool, migrations);
  return {
    name,
    connection,
    pool,
    async drop() {
      await pool.end();
      await dropDatabase(admin, name);
      const client = new Client(admin);
      await client.connect();
      await client.query(`DROP ROLE IF EXISTS "${name}"`).finally(() => client.end());
    },
  };
}

/** The environment a service under test gets: its own test database, gRPC on a free loopback port. */
export function testServiceEnv(db: TestDatabase): Record<string, string> {
  return {
    PGHOST: db.connection.host,
    PGPORT: String(db.connection.port),
    PGUSER: db.connection.user,
    ...(db.connection.password ? { PGPASSWORD: db.connection.password } : {}),
    PGDATABASE: db.connection.database,
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    // These suites are about what a service does; mutual TLS and the caller tables have suites of
    // their own (libs/service-identity, each service's callers.spec.ts).
    GRPC_INSECURE: 'true',
  };
}
