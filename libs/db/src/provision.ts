import { Client, escapeIdentifier, escapeLiteral } from 'pg';
import { sqlState, type PostgresConnection } from './pool';

export interface DatabaseProvision {
  database: string;
  role: string;
  /** Omit where the server trusts local connections; set in any real deployment. */
  password?: string | undefined;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const DUPLICATE_DATABASE = '42P04';
const DUPLICATE_OBJECT = '42710';
const UNIQUE_VIOLATION = '23505';

/**
 * Creates a service's own role and database from an admin connection, if they are missing. Safe to run
 * again and from several processes at once. Other roles lose CONNECT on the database, so no service can
 * read another's tables even by mistake.
 */
export async function provisionDatabase(admin: PostgresConnection, target: DatabaseProvision): Promise<void> {
  for (const name of [target.database, target.role]) {
    if (!IDENTIFIER.test(name)) {
      throw new Error(`"${name}" is not a plain lower-case Postgres identifier`);
    }
  }
  const client = new Client({ ...admin, application_name: 'provision' });
  await client.connect();
  try {
    // Catalog updates racing each other fail ("tuple concurrently updated"): provisioners take turns.
    // The lock goes with the connection.
    await client.query('SELECT pg_advisory_lock(hashtext($1))', ['provision-database']);
    const role = escapeIdentifier(target.role);
    const login =
      target.password === undefined ? 'LOGIN' : `LOGIN PASSWORD ${escapeLiteral(target.password)}`;
    const { rowCount: roleExists } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [
      target.role,
    ]);
    if (roleExists) await client.query(`ALTER ROLE ${role} ${login}`);
    else await ignoring([DUPLICATE_OBJECT, UNIQUE_VIOLATION], client.query(`CREATE ROLE ${role} ${login}`));

    const database = escapeIdentifier(target.database);
    const { rowCount: databaseExists } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      target.database,
    ]);
    if (!databaseExists) {
      await ignoring(
        [DUPLICATE_DATABASE, UNIQUE_VIOLATION],
        client.query(`CREATE DATABASE ${database} OWNER ${role}`),
      );
    }
    await client.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
    await client.query(`GRANT ALL ON DATABASE ${database} TO ${role}`);
  } finally {
    await client.end();
  }
}

/** Drops a database (tests clean up after themselves). Connections still open to it are ended first. */
export async function dropDatabase(admin: PostgresConnection, database: string): Promise<void> {
  const client = new Client({ ...admin, application_name: 'provision' });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(database)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * Drops roles (server-wide, unlike the databases a test drops). A role still owning objects elsewhere is
 * an error: drop its database first.
 */
export async function dropRoles(admin: PostgresConnection, roles: readonly string[]): Promise<void> {
  const client = new Client({ ...admin, application_name: 'provision' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', ['provision-database']);
    for (const role of roles) await client.query(`DROP ROLE IF EXISTS ${escapeIdentifier(role)}`);
  } finally {
    await client.end();
  }
}

async function ignoring(states: readonly string[], query: Promise<unknown>): Promise<void> {
  try {
    await query;
  } catch (error) {
    // Another process created it between our look and our create: the outcome we wanted.
    const state = sqlState(error);
    if (state === undefined || !states.includes(state)) throw error;
  }
}
