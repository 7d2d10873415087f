import { withTransaction, type Pool, type PoolClient } from '@shop/db';
import type { EventDelivery } from './ports';

/**
 * Records a delivery as handled inside the caller's transaction; false when it already was, and the
 * effect must then not run again. Commits or rolls back with the effect, so either both happen or
 * neither does.
 */
export async function recordDelivery(client: PoolClient, delivery: EventDelivery): Promise<boolean> {
  const { rowCount } = await client.query(
    'INSERT INTO processed_events (event_id, event_type) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING',
    [delivery.eventId, delivery.type],
  );
  return rowCount !== 0;
}

/**
 * Runs an event's effect at most once, however often the event is delivered: the event id is recorded
 * in the same transaction as the effect, so either both happen or neither does. A redelivered event
 * finds its id already recorded and does nothing. Use cases depend on the unit of work's `runOnce`
 * instead (see ./ports); this is the same over a bare connection.
 */
export async function handleOnce(
  pool: Pool,
  event: EventDelivery,
  effect: (client: PoolClient) => Promise<void>,
): Promise<'handled' | 'duplicate'> {
  return withTransaction(pool, async (client) => {
    if (!(await recordDelivery(client, event))) return 'duplicate';
    await effect(client);
    return 'handled';
  });
}
