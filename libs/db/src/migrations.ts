import type { Pool, PoolClient } from 'pg';
import { Umzug, type UmzugStorage } from 'umzug';

/**
 * A migration is plain SQL (or a function for the rare step SQL cannot say), kept in code so that it
 * ships inside the bundled app. Migrations only move forward: a deployed schema is changed by a new one.
 */
export interface Migration {
  name: string;
  up: string | ((client: PoolClient) => Promise<void>);
}

const TABLE = 'schema_migrations';

/**
 * The record of a migration is written in the migration's own transaction: `up` opens it and leaves it
 * open, `logMigration` inserts the record and commits. A crash between the two can then never leave a
 * schema change applied but unrecorded (which would run it twice).
 */
function storage(): UmzugStorage<PoolClient> {
  return {
    async executed({ context }) {
      const { rows } = await context.query<{ name: string }>(`SELECT name FROM ${TABLE} ORDER BY name`);
      return rows.map((row) => row.name);
    },
    async logMigration({ name, context }) {
      try {
        await context.query(`INSERT INTO ${TABLE} (name) VALUES ($1)`, [name]);
        await context.query('COMMIT');
      } catch (error) {
        await context.query('ROLLBACK');
        throw error;
      }
    },
    async unlogMigration({ name, context }) {
      await context.query(`DELETE FROM ${TABLE} WHERE name = $1`, [name]);
    },
  };
}

export interface MigrationLogger {
  info(message: string): void;
}

/**
 * Applies the pending migrations in order, each in its own transaction. Replicas starting together all call this:
 * an advisory lock lets one of them migrate while the others wait and then find nothing to do.
 */
export async function runMigrations(
  pool: Pool,
  migrations: readonly Migration[],
  logger?: MigrationLogger,
): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(hashtext($1))`, [TABLE]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const umzug = new Umzug<PoolClient>({
      context: client,
      storage: storage(),
      logger: undefined,
      migrations: migrations.map((migration) => ({
        name: migration.name,
        up: async ({ context }) => {
          await context.query('BEGIN');
          try {
            if (typeof migration.up === 'string') await context.query(migration.up);
            else await migration.up(context);
          } catch (error) {
            await context.query('ROLLBACK');
            throw error;
          }
        },
      })),
    });
    const applied = await umzug.up();
    for (const { name } of applied) logger?.info(`applied migration ${name}`);
    return applied.map(({ name }) => name);
  } finally {
    await client.query(`SELECT pg_advisory_unlock(hashtext($1))`, [TABLE]).catch(() => undefined);
    client.release();
  }
}
