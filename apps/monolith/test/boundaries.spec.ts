import { loadConfig } from '@shop/config';
import { moduleSchemaConnection } from '@shop/db';
import {
  adminConnection,
  createTestDatabase,
  testLogger,
  testSigningKeys,
  type TestDatabase,
} from '@shop/testing';
import { Client, escapeIdentifier } from 'pg';
import type { ModuleName } from '../src/adapters/module-span';
import { monolithConfigSchema, type MonolithConfig } from '../src/config';
import { closeModuleDatabases, MODULES, moduleSchemaOf, openModuleDatabases } from '../src/module-databases';
import { adminUrl } from './monolith';

/** A table of each module's own. */
const TABLE_OF: Record<ModuleName, string> = {
  users: 'users',
  orders: 'orders',
  payments: 'payments',
  email: 'emails',
};

const sqlStateOf = async (work: Promise<unknown>): Promise<string | undefined> =>
  work.then(
    () => undefined,
    (error: { code?: string }) => error.code ?? 'no code',
  );

describe('monolith: one database, a schema and a role per module', () => {
  let database: TestDatabase;
  let config: MonolithConfig;

  beforeAll(async () => {
    database = await createTestDatabase('monolith_boundaries');
    config = loadConfig(monolithConfigSchema, {
      DATABASE_URL: adminUrl(database.name),
      JWT_PRIVATE_KEY: testSigningKeys().privateKeyPem,
      SMTP_URL: 'smtp://127.0.0.1:2525',
    });
    // Twice, as a restart would: provisioning and migrations find everything in place the second time.
    await closeModuleDatabases(await openModuleDatabases(config, testLogger(), 'boundaries'));
    await closeModuleDatabases(await openModuleDatabases(config, testLogger(), 'boundaries'));
  });

  afterAll(async () => {
    await database?.drop();
    const admin = new Client(adminConnection());
    await admin.connect();
    try {
      for (const module of MODULES) {
        await admin.query(`DROP ROLE IF EXISTS ${escapeIdentifier(moduleSchemaOf(config, module).role)}`);
      }
    } finally {
      await admin.end();
    }
  });

  /** Runs `work` connected as a module's role, as that module's pool connects. */
  async function as<T>(module: ModuleName, work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client(moduleSchemaConnection(config.DATABASE_URL, moduleSchemaOf(config, module)));
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  it.each(MODULES)(
    "puts the %s module's tables, outbox included, in its own schema, owned by its role",
    async (module) => {
      await as(module, async (client) => {
        const { rows } = await client.query<{ schema: string; table: string }>(
          'SELECT schemaname AS schema, tablename AS table FROM pg_tables WHERE tableowner = current_user',
        );
        expect(new Set(rows.map((row) => row.schema))).toEqual(new Set([module]));
        expect(rows.map((row) => row.table)).toEqual(
          expect.arrayContaining([TABLE_OF[module], 'outbox', 'processed_events', 'schema_migrations']),
        );
      });
    },
  );

  it("refuses the orders role the users schema's table: permission denied", async () => {
    // The orders role's own tables answer, so the refusal is about the schema, not the connection.
    await as('orders', (client) => client.query('SELECT count(*) FROM orders'));
    expect(await sqlStateOf(as('orders', (client) => client.query('SELECT * FROM users.users')))).toBe(
      '42501',
    );
    // Unqualified, the name is looked up in the role's own schema only: no such table there.
    expect(await sqlStateOf(as('orders', (client) => client.query('SELECT * FROM users')))).toBe('42P01');
  });

  const otherModules = MODULES.flatMap((reader) =>
    MODULES.filter((owner) => owner !== reader).map((owner) => [reader, owner] as const),
  );
  it.each(otherModules)(
    'refuses the %s role the tables of %s, and writing to public',
    async (reader, owner) => {
      const table = `${escapeIdentifier(owner)}.${escapeIdentifier(TABLE_OF[owner])}`;
      expect(await sqlStateOf(as(reader, (client) => client.query(`SELECT 1 FROM ${table} LIMIT 1`)))).toBe(
        '42501',
      );
      expect(
        await sqlStateOf(as(reader, (client) => client.query('CREATE TABLE public.leak (id int)'))),
      ).toBe('42501');
    },
  );
});
