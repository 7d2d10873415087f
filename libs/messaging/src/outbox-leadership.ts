import type { Pool, PoolClient } from '@shop/db';

export interface OutboxLeadershipOptions {
  pool: Pool;
  /** The advisory lock's name: every process draining the same outbox must use the same one. */
  lockKey: string;
  /**
   * Adds the connection's current schema to the lock's name. Advisory locks are database-wide, so
   * outboxes of several modules sharing one database (a schema each) need a lock each.
   */
  perSchema?: boolean;
  /** Told when this process becomes the one that drains the outbox. */
  onAcquired?: () => void;
}

export interface OutboxLeadership {
  /** The connection holding the lock, taking the lock first when it is free; undefined while another process holds it. */
  acquire(): Promise<PoolClient | undefined>;
  /** Gives the lock up, also after its connection broke. */
  release(): void;
}

/**
 * One drainer per outbox at a time: the one whose connection holds an advisory lock. The others wait
 * to take over. A single drainer keeps each aggregate's events in commit order, which drainers racing
 * over the same table could not promise.
 */
export function createOutboxLeadership(options: OutboxLeadershipOptions): OutboxLeadership {
  let leader: PoolClient | undefined;
  const lockQuery = options.perSchema
    ? `SELECT pg_try_advisory_lock(hashtext($1 || ':' || current_schema())) AS locked`
    : 'SELECT pg_try_advisory_lock(hashtext($1)) AS locked';

  return {
    async acquire() {
      if (leader) return leader;
      const client = await options.pool.connect();
      let locked = false;
      try {
        const { rows } = await client.query<{ locked: boolean }>(lockQuery, [options.lockKey]);
        locked = rows[0]?.locked === true;
      } catch (error) {
        // The connection broke on the way (a database restart): discard it, and the caller tries again.
        client.release(true);
        throw error;
      }
      if (!locked) {
        client.release();
        return undefined;
      }
      leader = client;
      options.onAcquired?.();
      return client;
    },
    release() {
      // The connection is closed rather than returned to the pool: that releases the advisory lock, which
      // would otherwise stay with the pooled connection.
      leader?.release(true);
      leader = undefined;
    },
  };
}
