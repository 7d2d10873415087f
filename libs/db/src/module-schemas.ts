import { Client, escapeIdentifier, escapeLiteral } from 'pg';
import type { PostgresConnection } from './pool';

/**
 * One module of a modular monolith: its schema in the database the modules share, and the role it
 * connects as. The role owns the schema and reaches nothing else, so module boundaries hold in one
 * database as they do with a database per service.
 */
export interface ModuleSchemaProvision {
  /** The shared database. It must exist already (`provisionDatabase` or the server's init makes it). */
  database: string;
  /** Where the module's tables land: its migrations and repositories use unqualified names. */
  schema: string;
  role: string;
  /** Omit where the server trusts local connections; set in any real deployment. */
  password?: string | undefined;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
// Schemas every role may be pointed at by default: a module owning one would defeat the isolation.
const SHARED_SCHEMAS = ['public', 'information_schema'];
// The key `provisionDatabase` takes on the admin connection's database. Roles and database grants are
// cluster-wide catalog rows, and concurrent updates of one row fail ("tuple concurrently updated"), so
// every provisioner working through the same admin connection takes turns on the same lock.
const PROVISION_LOCK = 'provision-database';

/**
 * Creates (or brings back in line) a module's role and schema in the shared database, from an admin
 * connection. Safe to run on every start and from several processes at once. Afterwards the role:
 * - logs in, and is no superuser and may create neither databases nor roles;
 * - owns its schema, which is its whole search_path (so unqualified table names land there);
 * - may connect to the database, which PUBLIC no longer may, and cannot use its `public` schema nor
 *   create temporary tables, so it sees and touches only its own schema.
 */
export async function provisionModuleSchema(
  admin: PostgresConnection,
  target: ModuleSchemaProvision,
): Promise<void> {
  for (const name of [target.database, target.schema, target.role]) {
    if (!IDENTIFIER.test(name)) {
      throw new Error(`"${name}" is not a plain lower-case Postgres identifier`);
    }
  }
  if (SHARED_SCHEMAS.includes(target.schema) || target.schema.startsWith('pg_')) {
    throw new Error(`"${target.schema}" is a schema every role shares, not a module's own`);
  }
  if (target.role === admin.user) {
    // The role is stripped of superuser and given a narrow search_path: never do that to the admin.
    throw new Error(`"${target.role}" is the admin role; a module needs a role of its own`);
  }

  const lock = new Client({ ...admin, application_name: 'provision' });
  await lock.connect();
  let client = lock;
  try {
    // The lock goes with the connection.
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [PROVISION_LOCK]);
    if (admin.database !== target.database) {
      client = new Client({ ...admin, database: target.database, application_name: 'provision' });
      await client.connect();
    }
    await provision(client, target);
  } finally {
    if (client !== lock) await client.end();
    await lock.end();
  }
}

/** Where a module connects: the server of `server`, the shared database, as the module's role. */
export function moduleSchemaConnection(
  server: Pick<PostgresConnection, 'host' | 'port'>,
  target: ModuleSchemaProvision,
): PostgresConnection {
  return {
    host: server.host,
    port: server.port,
    database: target.database,
    user: target.role,
    password: target.password,
  };
}

async function provision(client: Client, target: ModuleSchemaProvision): Promise<void> {
  const role = escapeIdentifier(target.role);
  const schema = escapeIdentifier(target.schema);
  const database = escapeIdentifier(target.database);

  // Every attribute is spelled out, so a role that existed with more rights is brought back down.
  const attributes = [
    'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS',
    ...(target.password === undefined ? [] : [`PASSWORD ${escapeLiteral(target.password)}`]),
  ].join(' ');
  const { rowCount: roleExists } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [
    target.role,
  ]);
  await client.query(`${roleExists ? 'ALTER' : 'CREATE'} ROLE ${role} ${attributes}`);
  await client.query(`ALTER ROLE ${role} SET search_path TO ${schema}`);

  const { rows } = await client.query<{ owner: string }>(
    'SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1',
    [target.schema],
  );
  const owner = rows[0]?.owner;
  if (owner === undefined) {
    await client.query(`CREATE SCHEMA ${schema} AUTHORIZATION ${role}`);
  } else if (owner !== target.role) {
    // Two modules configured with one schema: handing it over would break the other one.
    throw new Error(`schema "${target.schema}" belongs to role "${owner}", not "${target.role}"`);
  }
  // A fresh schema grants PUBLIC nothing; this also takes back a grant made by hand since.
  await client.query(`REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`);

  // By default every role may use `public` (and, before Postgres 15, create tables in it), connect to
  // any database and create temporary tables there: all of them ways around the module boundary.
  const { rowCount: hasPublic } = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = 'public'");
  if (hasPublic) await client.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
  await client.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
  await client.query(`GRANT CONNECT ON DATABASE ${database} TO ${role}`);
}
