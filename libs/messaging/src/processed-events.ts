import { withTransaction, type Pool, type PoolClient } from '@shop/db';

/**
 * Runs an event's effect at most once, however often the event is delivered: the event id is recorded
 * in the same transaction as the effect, so either both happen or neither does. A redelivered event
 * finds its id already recorded and does nothing.
 */
export async function handleOnce(
  pool: Pool,
  event: { eventId: string; type: string },
  effect: (client: PoolClient) => Promise<void>,
): Promise<'handled' | 'duplicate'> {
  return withTransaction(pool, async (client) => {
    const { rowCount } = await client.query(
      'INSERT INTO processed_events (event_id, event_type) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING',
      [event.eventId, event.type],
    );
    if (rowCount === 0) return 'duplicate';
    await effect(client);
    return 'handled';
  });
}
