import { Client } from 'pg';
import type { ServerConnection } from '@shop/testing';

/**
 * The replica whose outbox relay publishes for `database`: the holder of the relay's advisory lock,
 * named by its connection's application_name (the native stack sets it to the replica's label).
 */
export async function relayLeader(admin: ServerConnection, database: string): Promise<string | undefined> {
  const client = new Client({ ...admin, database });
  await client.connect();
  try {
    const { rows } = await client.query<{ application_name: string }>(
      `SELECT a.application_name
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()
         AND l.objid = hashtext('outbox-relay')::oid`,
    );
    return rows[0]?.application_name;
  } finally {
    await client.end();
  }
}
