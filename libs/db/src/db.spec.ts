import { Client } from 'pg';
import { adminConnection, createTestDatabase, type TestDatabase } from '@shop/testing';
import {
  dropDatabase,
  dropRoles,
  provisionDatabase,
  runMigrations,
  withTransaction,
  createPool,
  type Migration,
} from './index';

const migrations: Migration[] = [
  { name: '0001-create-widgets', up: 'CREATE TABLE widgets (id int PRIMARY KEY, label text NOT NULL)' },
  { name: '0002-add-colour', up: 'ALTER TABLE widgets ADD COLUMN colour text' },
];

describe('db', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('db');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('applies migrations in order and a second run is harmless', async () => {
    expect(await runMigrations(db.pool, migrations)).toEqual(['0001-create-widgets', '0002-add-colour']);
    expect(await runMigrations(db.pool, migrations)).toEqual([]);
    await db.pool.query("INSERT INTO widgets (id, label, colour) VALUES (1, 'a', 'red')");
  });

  it('lets replicas that start together migrate once', async () => {
    const more: Migration[] = [
      ...migrations,
      { name: '0003-index', up: 'CREATE INDEX widgets_label ON widgets (label)' },
    ];
    const runs = await Promise.all([runMigrations(db.pool, more), runMigrations(db.pool, more)]);
    expect(runs.flat()).toEqual(['0003-index']);
  });

  it('leaves no trace of a failing migration, neither its changes nor its record', async () => {
    const failing: Migration[] = [
      ...migrations,
      { name: '0004-broken', up: 'CREATE TABLE gadgets (id int); SELECT no_such_function()' },
    ];
    await expect(runMigrations(db.pool, failing)).rejects.toThrow(/no_such_function/);
    const { rows } = await db.pool.query(
      "SELECT to_regclass('gadgets') AS t, (SELECT count(*) FROM schema_migrations WHERE name = '0004-broken')::int AS n",
    );
    expect(rows[0]).toEqual({ t: null, n: 0 });
  });

  it('commits a transaction that succeeds and rolls back one that throws', async () => {
    await withTransaction(db.pool, (client) =>
      client.query("INSERT INTO widgets (id, label) VALUES (2, 'b')"),
    );
    await expect(
      withTransaction(db.pool, async (client) => {
        await client.query("INSERT INTO widgets (id, label) VALUES (3, 'c')");
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const { rows } = await db.pool.query<{ id: number }>('SELECT id FROM widgets ORDER BY id');
    expect(rows.map((row) => row.id)).toEqual([1, 2]);
  });
});

describe('provisionDatabase', () => {
  const admin = adminConnection();
  const name = `provision_${process.pid}`;
  afterAll(async () => {
    await dropDatabase(admin, name);
    await dropRoles(admin, [name]);
  });

  it('creates the role and database once, however often and concurrently it runs', async () => {
    const target = { database: name, role: name, password: 'secret-1' };
    await Promise.all([provisionDatabase(admin, target), provisionDatabase(admin, target)]);
    await provisionDatabase(admin, target);
    const pool = createPool(
      { ...admin, user: name, password: 'secret-1', database: name },
      { applicationName: 'spec' },
    );
    const { rows } = await pool.query<{ user: string; db: string }>(
      'SELECT current_user AS user, current_database() AS db',
    );
    await pool.end();
    expect(rows[0]).toEqual({ user: name, db: name });
  });

  it('is undone by dropDatabase and dropRoles: nothing of it is left on the server', async () => {
    const other = `${name}_gone`;
    await provisionDatabase(admin, { database: other, role: other });
    await dropDatabase(admin, other);
    await dropRoles(admin, [other]);
    await dropRoles(admin, [other]); // gone already: no error
    const client = new Client(admin);
    await client.connect();
    const left = await client
      .query<{ n: number }>(
        'SELECT (SELECT count(*) FROM pg_roles WHERE rolname = $1)::int + (SELECT count(*) FROM pg_database WHERE datname = $1)::int AS n',
        [other],
      )
      .finally(() => client.end());
    expect(left.rows[0]?.n).toBe(0);
  });

  it('rejects names that are not plain identifiers', async () => {
    await expect(provisionDatabase(admin, { database: 'x"; DROP TABLE y; --', role: 'r' })).rejects.toThrow(
      /not a plain lower-case Postgres identifier/,
    );
  });
});
