import { Client } from 'pg';

// Imports nothing from the workspace: the global set-up loads this file outside jest's module mapper.

export interface ServerConnection {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
}

/** The Postgres server tests run against: the standard `PG*` variables, else the local superuser. */
export function adminConnection(env: NodeJS.ProcessEnv = process.env): ServerConnection {
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
