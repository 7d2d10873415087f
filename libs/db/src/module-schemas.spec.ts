import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { adminConnection } from '@shop/testing';
import {
  createPool,
  dropDatabase,
  moduleSchemaConnection,
  provisionModuleSchema,
  runMigrations,
  type Migration,
  type ModuleSchemaProvision,
} from './index';

const admin = adminConnection();
const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
// Created here rather than with createTestDatabase: that one already takes PUBLIC's rights away, and
// these tests must show that provisioning does it.
const database = `test_module_schemas_${suffix}`;
const a: ModuleSchemaProvision = { database, schema: 'mod_a', role: `mod_a_${suffix}`, password: 'secret-a' };
const b: ModuleSchemaProvision = { database, schema: 'mod_b', role: `mod_b_${suffix}`, password: 'secret-b' };
const outsider = `outsider_${suffix}`;

async function asAdmin<T>(work: (client: Client) => Promise<T>, db = admin.database): Promise<T> {
  const client = new Client({ ...admin, database: db });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs `work` on a connection as the module's role, as the module itself would connect. */
async function asModule<T>(module: ModuleSchemaProvision, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client(moduleSchemaConnection(admin, module));
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const tablesOf = (only: string): Migration[] => [
  { name: '0000-outbox', up: 'CREATE TABLE outbox (id int PRIMARY KEY, topic text NOT NULL)' },
  { name: '0001-own', up: `CREATE TABLE ${only} (id int PRIMARY KEY)` },
];

describe('provisionModuleSchema', () => {
  beforeAll(async () => {
    await asAdmin(async (client) => {
      await client.query(`CREATE DATABASE ${database}`);
      await client.query(`CREATE ROLE ${outsider} LOGIN`);
    });
  });
  afterAll(async () => {
    await dropDatabase(admin, database);
    await asAdmin(async (client) => {
      for (const role of [a.role, b.role, outsider]) await client.query(`DROP ROLE IF EXISTS ${role}`);
    });
  });

  it('creates each module its role and schema once, however often and concurrently it runs', async () => {
    await Promise.all([
      provisionModuleSchema(admin, a),
      provisionModuleSchema(admin, b),
      provisionModuleSchema(admin, a),
      provisionModuleSchema(admin, b),
    ]);
    await provisionModuleSchema(admin, a);

    const roles = await asAdmin(async (client) => {
      const { rows } = await client.query<Record<string, string | boolean>>(
        `SELECT r.rolname, r.rolcanlogin, r.rolsuper, r.rolcreatedb, r.rolcreaterole, n.nspname
           FROM pg_roles r JOIN pg_namespace n ON n.nspowner = r.oid
          WHERE r.rolname = ANY($1) ORDER BY r.rolname`,
        [[a.role, b.role]],
      );
      return rows;
    }, database);
    expect(roles).toEqual(
      [a, b].map((module) => ({
        rolname: module.role,
        rolcanlogin: true,
        rolsuper: false,
        rolcreatedb: false,
        rolcreaterole: false,
        nspname: module.schema,
      })),
    );
  });

  it("makes the module's schema its role's whole search_path, without public", async () => {
    const seen = await asModule(a, async (client) => {
      const { rows } = await client.query<{ path: string; schemas: string[] }>(
        'SELECT current_setting($1) AS path, current_schemas(false)::text[] AS schemas',
        ['search_path'],
      );
      return rows[0];
    });
    expect(seen).toEqual({ path: 'mod_a', schemas: ['mod_a'] });
  });

  it("puts the tables each module creates with unqualified names in the module's own schema", async () => {
    for (const [module, only] of [
      [a, 'a_only'],
      [b, 'b_only'],
    ] as const) {
      const pool = createPool(moduleSchemaConnection(admin, module), { applicationName: 'spec', max: 2 });
      try {
        await runMigrations(pool, tablesOf(only));
        await pool.query('INSERT INTO outbox (id, topic) VALUES (1, $1)', [module.schema]);
      } finally {
        await pool.end();
      }
    }

    const tables = await asAdmin(async (client) => {
      const { rows } = await client.query<{ name: string }>(
        `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
          WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
      );
      return rows.map((row) => row.name);
    }, database);
    expect(tables).toEqual([
      'mod_a.a_only',
      'mod_a.outbox',
      'mod_a.schema_migrations',
      'mod_b.b_only',
      'mod_b.outbox',
      'mod_b.schema_migrations',
    ]);
    const topics = await asModule(b, (client) => client.query<{ topic: string }>('SELECT topic FROM outbox'));
    expect(topics.rows).toEqual([{ topic: 'mod_b' }]);
  });

  it("keeps each module out of the other's schema, qualified or not", async () => {
    await asModule(a, async (client) => {
      await expect(client.query('SELECT * FROM mod_b.b_only')).rejects.toMatchObject({ code: '42501' });
      await expect(client.query('SELECT * FROM mod_b.outbox')).rejects.toThrow(
        /permission denied for schema/,
      );
      await expect(client.query("INSERT INTO mod_b.outbox VALUES (2, 'x')")).rejects.toMatchObject({
        code: '42501',
      });
      await expect(client.query('CREATE TABLE mod_b.planted (id int)')).rejects.toMatchObject({
        code: '42501',
      });
      // Unqualified, B's table is not even found: a schema the role may not use is left out of its path.
      await expect(client.query('SELECT * FROM b_only')).rejects.toMatchObject({ code: '42P01' });
      await client.query('SET search_path TO mod_b');
      await expect(client.query('SELECT * FROM b_only')).rejects.toMatchObject({ code: '42P01' });
    });
    await asModule(b, async (client) => {
      await expect(client.query('SELECT * FROM mod_a.outbox')).rejects.toMatchObject({ code: '42501' });
      const { rows } = await client.query<{ schema: string }>(
        `SELECT DISTINCT table_schema AS schema FROM information_schema.tables
          WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`,
      );
      expect(rows).toEqual([{ schema: 'mod_b' }]);
    });
  });

  it('takes away what PUBLIC gets by default: the public schema, temporary tables, connecting', async () => {
    await asAdmin(async (client) => {
      await client.query('CREATE TABLE public.leaky (secret text)');
      await client.query('GRANT SELECT ON public.leaky TO PUBLIC');
    }, database);
    await asModule(a, async (client) => {
      await expect(client.query('SELECT * FROM public.leaky')).rejects.toThrow(
        /permission denied for schema/,
      );
      await expect(client.query('CREATE TABLE public.planted (id int)')).rejects.toMatchObject({
        code: '42501',
      });
      await expect(client.query('CREATE TEMPORARY TABLE scratch (id int)')).rejects.toMatchObject({
        code: '42501',
      });
      await expect(client.query('CREATE SCHEMA extra')).rejects.toMatchObject({ code: '42501' });
    });
    const stranger = new Client({ ...admin, user: outsider, password: undefined, database });
    await expect(stranger.connect()).rejects.toThrow(/permission denied for database/);
  });

  it('keeps the tables and brings a role and schema that drifted back in line when run again', async () => {
    await asAdmin(async (client) => {
      await client.query(`ALTER ROLE ${a.role} CREATEDB`);
      await client.query(`ALTER ROLE ${a.role} SET search_path TO mod_a, public`);
      await client.query('GRANT USAGE ON SCHEMA mod_a TO PUBLIC');
    }, database);
    const bMayUseA = () =>
      asModule(b, async (client) => {
        const { rows } = await client.query<{ ok: boolean }>(
          "SELECT has_schema_privilege('mod_a', 'USAGE') AS ok",
        );
        return rows[0]?.ok;
      });
    expect(await bMayUseA()).toBe(true);

    await provisionModuleSchema(admin, a);

    expect(await bMayUseA()).toBe(false);
    const after = await asModule(a, async (client) => {
      const { rows } = await client.query<{ path: string; createdb: boolean; topics: string[] }>(
        `SELECT current_setting('search_path') AS path,
                (SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user) AS createdb,
                (SELECT array_agg(topic) FROM outbox) AS topics`,
      );
      return rows[0];
    });
    expect(after).toEqual({ path: 'mod_a', createdb: false, topics: ['mod_a'] });
  });

  it("refuses a schema that another module's role owns", async () => {
    await expect(provisionModuleSchema(admin, { ...b, schema: a.schema })).rejects.toThrow(
      `schema "mod_a" belongs to role "${a.role}", not "${b.role}"`,
    );
  });

  it('rejects odd names, the shared schemas and the admin role', async () => {
    await expect(provisionModuleSchema(admin, { ...a, schema: 'x"; DROP TABLE y; --' })).rejects.toThrow(
      /not a plain lower-case Postgres identifier/,
    );
    await expect(provisionModuleSchema(admin, { ...a, schema: 'public' })).rejects.toThrow(
      /every role shares/,
    );
    await expect(provisionModuleSchema(admin, { ...a, schema: 'pg_temp' })).rejects.toThrow(
      /every role shares/,
    );
    await expect(provisionModuleSchema(admin, { ...a, role: admin.user })).rejects.toThrow(/admin role/);
  });
});

describe('moduleSchemaConnection', () => {
  it("points at the same server and database, as the module's role", () => {
    expect(moduleSchemaConnection({ host: 'db.internal', port: 6432 }, a)).toEqual({
      host: 'db.internal',
      port: 6432,
      database,
      user: a.role,
      password: 'secret-a',
    });
  });
});
