import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createPool, dropDatabase, provisionDatabase, runMigrations, type Migration, type Pool, type PostgresConnection } from '@shop/db';

/** The Postgres server tests run against: the standard `PG*` variables, else the local superuser. */
export function adminConnection(env: NodeJS.ProcessEnv = process.env): PostgresConnection {
  return {
    host: env['PGHOST'] || '127.0.0.1',
    port: Number(env['PGPORT'] || 5432),
    user: env['PGUSER'] || 'postgres',
    password: env['PGPASSWORD'] || undefined,
    database: env['PGDATABASE'] || 'postgres',
  };
}

/** Fails with one message that names what is missing and how to provide it. */
export async function assertPostgresReachable(admin = adminConnection()): Promise<void> {
  const client = new Client({ ...admin, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Tests need a PostgreSQL server: none answered at ${admin.user}@${admin.host}:${admin.port} (${reason}). ` +
        'Start one, or point the standard PGHOST/PGPORT/PGUSER/PGPASSWORD variables at one.',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

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
  const name = `test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`.slice(0, 63);
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
