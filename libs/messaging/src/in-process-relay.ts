import { metrics, type BatchObservableCallback } from '@opentelemetry/api';
import type { EventTypeName } from '@shop/contracts';
import type { Pool, PoolClient } from '@shop/db';
import type { Logger } from '@shop/logger';
import { decodeEnvelope, type ReceivedEvent } from './event-consumer';
import { classifyFailure } from './failures';
import {
  deliverToSubscriber,
  type DeliveryContext,
  type InProcessSubscriber,
  type OutboxRow,
  type RetryPolicy,
} from './in-process-delivery';
import { createOutboxLeadership } from './outbox-leadership';

export type { InProcessSubscriber } from './in-process-delivery';
export { IN_PROCESS_MESSAGING_SYSTEM } from './in-process-delivery';

/** A module's outbox: its pool's connections find the `outbox` table on their search_path. */
export interface InProcessOutbox {
  /** The module's name, for `wake`, logs, spans and metrics. */
  name: string;
  pool: Pool;
}

export interface InProcessRelayOptions {
  outboxes: readonly InProcessOutbox[];
  subscribers: readonly InProcessSubscriber[];
  logger: Logger;
  /** Rows read per round trip, per outbox. */
  batchSize?: number;
  /** How often an idle relay looks for rows that `wake()` was not told about (other replicas' writes). */
  pollIntervalMs?: number;
  /** Attempts before an event whose failure is `unknown` is dead-lettered. */
  maxAttempts?: number;
  initialBackoffMs?: number;
  /** The longest wait between two attempts; a `transient` failure is retried at this pace until it ends. */
  maxBackoffMs?: number;
}

export interface InProcessRelay {
  /** Deliver soon: called after a transaction that appended events commits. Every outbox when unnamed. */
  wake(outbox?: string): void;
  /** Rows still waiting per outbox, and the age of the oldest, for metrics and tests. */
  backlog(): Promise<Record<string, { count: number; oldestAgeMs: number }>>;
  /** Finishes the deliveries in hand; the rows not started yet wait in their outbox for the next start. */
  stop(): Promise<void>;
}

// The outbox's drainer, whichever way it delivers: one per schema, as each module has its own outbox.
const LOCK_KEY = 'outbox-relay';

interface Waker {
  wake(): void;
  /** Forgets wake-ups so far: the rows they announced are about to be read. */
  consume(): void;
  /** Waits `ms`, or less when woken (also by a wake-up that came while busy) or stopped. */
  idle(ms: number): Promise<void>;
}

function createWaker(stopped: AbortSignal): Waker {
  let pending = false;
  let wakeUp: (() => void) | undefined;
  return {
    wake() {
      if (wakeUp) wakeUp();
      else pending = true;
    },
    consume() {
      pending = false;
    },
    idle(ms) {
      if (pending || stopped.aborted) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          stopped.removeEventListener('abort', done);
          wakeUp = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        stopped.addEventListener('abort', done, { once: true });
        wakeUp = done;
      });
    },
  };
}

/** Waits for every promise, so nothing is left running behind a failure, then fails with the first. */
async function settleAll<T>(work: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(work);
  const values: T[] = [];
  for (const result of results) {
    if (result.status === 'rejected') throw result.reason;
    values.push(result.value);
  }
  return values;
}

function decode(row: OutboxRow): ReceivedEvent<EventTypeName> | Error {
  try {
    return decodeEnvelope({ value: row.envelope });
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Delivers outbox events to subscribers in the same process (a modular monolith), with the guarantees
 * of the Kafka path: at least once (a row is deleted only once every subscriber is done with it, and
 * handlers deduplicate on the event id), each aggregate's events in commit order, transient failures
 * retried, and events that cannot be handled dead-lettered into the outbox's `dead_letters` table.
 *
 * Each outbox has one drainer at a time across processes (an advisory lock per schema, as the Kafka
 * relay holds one per database), so replicas of the monolith do not deliver one aggregate's events out
 * of order. A database outage only delays delivery: the relay backs off and resumes from the rows still
 * in the outbox.
 */
export function startInProcessRelay(options: InProcessRelayOptions): InProcessRelay {
  const batchSize = options.batchSize ?? 200;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const policy: RetryPolicy = {
    maxAttempts: options.maxAttempts ?? 5,
    initialBackoffMs: options.initialBackoffMs ?? 200,
    maxBackoffMs: options.maxBackoffMs ?? 5_000,
  };
  const logger = options.logger.child({ component: 'in-process-relay' });
  for (const [what, names] of [
    ['outbox', options.outboxes.map((outbox) => outbox.name)],
    ['subscriber', options.subscribers.map((subscriber) => subscriber.name)],
  ] as const) {
    const twice = names.find((name, i) => names.indexOf(name) !== i);
    if (twice !== undefined) throw new Error(`${what} "${twice}" is named twice`);
  }
  const stopper = new AbortController();

  const meter = metrics.getMeter('shop-messaging');
  const deadLetters = meter.createCounter('app.messaging.dead_letters', {
    description: 'Events an in-process subscriber gave up on, recorded in the dead_letters table.',
    unit: '{event}',
  });

  const outboxes = options.outboxes.map((outbox) => ({
    ...outbox,
    waker: createWaker(stopper.signal),
    leadership: createOutboxLeadership({
      pool: outbox.pool,
      lockKey: LOCK_KEY,
      perSchema: true,
      onAcquired: () => logger.info({ outbox: outbox.name }, 'in-process relay drains the outbox'),
    }),
  }));
  type Outbox = (typeof outboxes)[number];

  /** Delivers one row to every subscriber that has a handler for it; true once all are done with it. */
  const deliverRow = async (outbox: Outbox, row: OutboxRow): Promise<boolean> => {
    const event = decode(row);
    const targets = options.subscribers.filter(
      (subscriber) =>
        subscriber.topics.includes(row.topic) &&
        // An event that does not decode goes to everyone listening, to be dead-lettered for each.
        (event instanceof Error || subscriber.handlers[event.type] !== undefined),
    );
    const ctx: DeliveryContext = {
      outbox: outbox.name,
      deadLetterStore: outbox.pool,
      policy,
      logger,
      stopped: stopper.signal,
      onDeadLetter: (subscriber, topic) =>
        deadLetters.add(1, {
          'messaging.consumer.group.name': subscriber,
          'messaging.destination.name': topic,
          'app.outbox': outbox.name,
        }),
    };
    const done = await settleAll(
      targets.map((subscriber) =>
        deliverToSubscriber(row, event, subscriber, subscriber.classify ?? classifyFailure, ctx),
      ),
    );
    return done.every(Boolean);
  };

  const drainOnce = async (outbox: Outbox, client: PoolClient): Promise<number> => {
    outbox.waker.consume();
    const { rows } = await client.query<OutboxRow>(
      `SELECT id, event_id, event_type, topic, message_key, envelope, trace_context
       FROM outbox ORDER BY id LIMIT $1`,
      [batchSize],
    );
    if (rows.length === 0) return 0;
    // Aggregates in parallel, each aggregate's events one after the other, in the order committed; an
    // event still failing holds back the later events of its own aggregate in this batch, and the next
    // batch until it succeeds (as a Kafka consumer's next fetch waits for the one in hand).
    const byKey = new Map<string, OutboxRow[]>();
    for (const row of rows) byKey.set(row.message_key, [...(byKey.get(row.message_key) ?? []), row]);
    const finished: string[] = [];
    const delivered = settleAll(
      [...byKey.values()].map(async (sameKey) => {
        for (const row of sameKey) {
          if (stopper.signal.aborted || !(await deliverRow(outbox, row))) return;
          finished.push(row.id);
        }
      }),
    );
    // The rows done with are deleted even when another failed: they would only be delivered again.
    const failure = await delivered.then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    if (finished.length > 0) {
      await client.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [finished]);
    }
    if (failure) throw failure.error;
    return rows.length;
  };

  const loop = async (outbox: Outbox) => {
    let failures = 0;
    while (!stopper.signal.aborted) {
      try {
        const leader = await outbox.leadership.acquire();
        if (!leader) {
          await outbox.waker.idle(pollIntervalMs * 8);
          continue;
        }
        const read = await drainOnce(outbox, leader);
        failures = 0;
        if (read < batchSize) await outbox.waker.idle(pollIntervalMs);
      } catch (error) {
        failures++;
        logger.warn({ err: error, failures, outbox: outbox.name }, 'in-process relay failed; will retry');
        // Leadership is taken again on a fresh connection: after a database restart the old one is gone,
        // and with it the advisory lock, which another replica may hold by now.
        outbox.leadership.release();
        await outbox.waker.idle(Math.min(200 * 2 ** failures, 5_000));
      }
    }
  };

  const backlogOf = async (outbox: Outbox) => {
    const { rows } = await outbox.pool.query<{ count: number; oldest_age_ms: number | null }>(
      `SELECT count(*)::int AS count, (extract(epoch FROM now() - min(created_at)) * 1000)::float8 AS oldest_age_ms
       FROM outbox`,
    );
    return { count: rows[0]?.count ?? 0, oldestAgeMs: rows[0]?.oldest_age_ms ?? 0 };
  };

  const backlog = async () => {
    const counts = await Promise.all(outboxes.map(async (outbox) => [outbox.name, await backlogOf(outbox)]));
    return Object.fromEntries(counts) as Record<string, { count: number; oldestAgeMs: number }>;
  };

  // The same gauges as the Kafka relay's, one series per module's outbox.
  const backlogGauge = meter.createObservableGauge('app.outbox.backlog', {
    description: 'Events written to the outbox and not yet published.',
    unit: '{event}',
  });
  const ageGauge = meter.createObservableGauge('app.outbox.oldest_age', {
    description: 'Age of the oldest unpublished outbox event.',
    unit: 's',
  });
  const observeBacklog: BatchObservableCallback = async (observer) => {
    await Promise.all(
      outboxes.map(async (outbox) => {
        const current = await backlogOf(outbox).catch(() => undefined);
        if (!current) return;
        observer.observe(backlogGauge, current.count, { 'app.outbox': outbox.name });
        observer.observe(ageGauge, current.oldestAgeMs / 1000, { 'app.outbox': outbox.name });
      }),
    );
  };
  meter.addBatchObservableCallback(observeBacklog, [backlogGauge, ageGauge]);

  const running = Promise.all(outboxes.map(loop));

  return {
    wake(name) {
      for (const outbox of outboxes) if (name === undefined || outbox.name === name) outbox.waker.wake();
    },
    backlog,
    async stop() {
      meter.removeBatchObservableCallback(observeBacklog, [backlogGauge, ageGauge]);
      stopper.abort();
      await running;
      for (const outbox of outboxes) outbox.leadership.release();
    },
  };
}
