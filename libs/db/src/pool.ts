import { Pool, type PoolClient, type PoolConfig } from 'pg';

export type { Pool, PoolClient } from 'pg';

/**
 * Where a repository's queries run: the pool (each query on a connection of its own) or the connection
 * that holds a transaction. Both have the same `query`.
 */
export type Queryable = Pick<PoolClient, 'query'>;

export interface PostgresConnection {
  host: string;
  port: number;
  user: string;
  password?: string | undefined;
  database: string;
}

export interface PoolOptions {
  /** Shows in `pg_stat_activity`, so a person can tell which app holds which connection. */
  applicationName: string;
  max?: number;
}

export function createPool(connection: PostgresConnection, options: PoolOptions): Pool {
  const config: PoolConfig = {
    ...connection,
    application_name: options.applicationName,
    max: options.max ?? 10,
    // A database that is down must fail a request quickly, not queue it forever.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  };
  const pool = new Pool(config);
  // A connection lost to a database restart (57P01) or a network fault is emitted as 'error' by its
  // client, and an 'error' nobody listens to ends the process. The pool listens only while a client is
  // idle; a checked-out one (a transaction in flight, the outbox relay's leader connection) needs a
  // listener of its own. Nothing else is to be done there: the query in flight rejects with the error,
  // and the pool discards the broken client when it is released and connects a new one next time.
  pool.on('connect', (client) => client.on('error', () => undefined));
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Runs `work` in one transaction: committed when it resolves, rolled back when it throws. Effects that
 * must happen together (a row and its outbox event, an effect and its processed-event record) go here.
 */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Postgres SQLSTATE of a failed query, when the error came from the server. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

export const UNIQUE_VIOLATION = '23505';

/** The libpq-style `PG*` settings an app's config carries, as a connection for `createPool`. */
export function connectionFromEnv(env: {
  PGHOST: string;
  PGPORT: number;
  PGUSER: string;
  PGPASSWORD?: string | undefined;
  PGDATABASE: string;
}): PostgresConnection {
  return {
    host: env.PGHOST,
    port: env.PGPORT,
    user: env.PGUSER,
    password: env.PGPASSWORD,
    database: env.PGDATABASE,
  };
}
