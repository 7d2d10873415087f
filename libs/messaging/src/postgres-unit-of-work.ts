import { withTransaction, type Pool, type PoolClient } from '@shop/db';
import type { EventTypeName } from '@shop/contracts';
import { appendToOutbox } from './outbox';
import type { OutgoingEvent, Transaction, UnitOfWork } from './ports';
import { recordDelivery } from './processed-events';

export interface PostgresUnitOfWorkOptions<R> {
  pool: Pool;
  /** The repositories a piece of work uses, bound to the connection that holds its transaction. */
  repositories: (client: PoolClient) => R;
  /** Told after a commit that published events, so the relay sends them without waiting for its poll. */
  eventsWritten?: () => void;
}

/**
 * The unit of work over one Postgres database: the work runs in a transaction, the events it publishes
 * are appended to the outbox in that same transaction (just before the commit), and the delivery a
 * consumer handles is recorded in `processed_events` in it too.
 */
export function createPostgresUnitOfWork<R>(options: PostgresUnitOfWorkOptions<R>): UnitOfWork<R> {
  // One transaction: `step` runs in it and does the work through `doWork`. After a commit that wrote
  // events, the relay is woken.
  const transact = async <T>(
    step: (
      client: PoolClient,
      doWork: <W>(work: (tx: Transaction<R>) => Promise<W>) => Promise<W>,
    ) => Promise<T>,
  ): Promise<T> => {
    let published = 0;
    const result = await withTransaction(options.pool, (client) =>
      step(client, async (work) => {
        const events: OutgoingEvent[] = [];
        let open = true;
        const done = await work({
          repositories: options.repositories(client),
          publish<T extends EventTypeName>(event: OutgoingEvent<T>) {
            // An event published after the work settled would miss its transaction: a bug, said loudly.
            if (!open) throw new Error(`${event.type} was published after its unit of work had finished`);
            events.push(event);
          },
        }).finally(() => {
          open = false;
        });
        // Appended in the order published, so the relay sends one aggregate's events in that order.
        for (const event of events) await appendToOutbox(client, event);
        published = events.length;
        return done;
      }),
    );
    if (published > 0) options.eventsWritten?.();
    return result;
  };

  return {
    run: (work) => transact((_client, doWork) => doWork(work)),
    runOnce: (delivery, work) =>
      transact(async (client, doWork) => {
        if (!(await recordDelivery(client, delivery))) return 'duplicate' as const;
        await doWork(work);
        return 'handled' as const;
      }),
  };
}
