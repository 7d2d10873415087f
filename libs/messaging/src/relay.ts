import { setTimeout as sleep } from 'node:timers/promises';
import {
  ROOT_CONTEXT,
  context,
  metrics,
  propagation,
  type BatchObservableCallback,
} from '@opentelemetry/api';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool, PoolClient } from '@shop/db';
import { createProducer } from '@shop/kafka';
import type { Logger } from '@shop/logger';
import { createOutboxLeadership } from './outbox-leadership';

export interface OutboxRelayOptions {
  pool: Pool;
  kafka: Kafka;
  logger: Logger;
  /** Rows published per round trip. */
  batchSize?: number;
  /** How often an idle relay looks for rows that `wake()` was not told about (other replicas' writes). */
  pollIntervalMs?: number;
}

export interface OutboxRelay {
  /** Publish soon: called after a transaction that appended events commits. */
  wake(): void;
  /** Rows still waiting, and the age of the oldest, for metrics and tests. */
  backlog(): Promise<{ count: number; oldestAgeMs: number }>;
  stop(): Promise<void>;
}

interface OutboxRow {
  id: string;
  event_id: string;
  event_type: string;
  topic: string;
  message_key: string;
  envelope: Buffer;
  trace_context: Record<string, string>;
}

const LOCK_KEY = 'outbox-relay';

/**
 * Publishes outbox rows to Kafka after their transactions commit, then deletes them: at least once (a
 * crash between publish and delete publishes a row again; consumers deduplicate on the event id).
 *
 * One relay per database is active at a time: it holds an advisory lock, and the relays of other
 * replicas wait to take over. A single publisher keeps each aggregate's events in commit order, which
 * parallel relays racing over the same table could not promise. Broker or database outages only
 * delay publishing: the relay backs off and resumes from the rows still in the table.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const batchSize = options.batchSize ?? 200;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const logger = options.logger.child({ component: 'outbox-relay' });
  const producer: Producer = createProducer(options.kafka);
  let producerConnected = false;
  let stopping = false;
  let wakeUp: (() => void) | undefined;

  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  const leadership = createOutboxLeadership({
    pool: options.pool,
    lockKey: LOCK_KEY,
    onAcquired: () => logger.info('outbox relay is the active publisher'),
  });

  const publish = async (row: OutboxRow) => {
    // Publish inside the trace of the request that wrote the row, so the producer span joins it.
    const parent = propagation.extract(ROOT_CONTEXT, row.trace_context);
    await context.with(parent, () =>
      producer.send({
        topic: row.topic,
        messages: [
          {
            key: row.message_key,
            value: row.envelope,
            headers: { ...row.trace_context, 'event-id': row.event_id, 'event-type': row.event_type },
          },
        ],
      }),
    );
  };

  const drainOnce = async (client: PoolClient): Promise<number> => {
    const { rows } = await client.query<OutboxRow>(
      `SELECT id, event_id, event_type, topic, message_key, envelope, trace_context
       FROM outbox ORDER BY id LIMIT $1`,
      [batchSize],
    );
    if (rows.length === 0) return 0;
    if (!producerConnected) {
      await producer.connect();
      producerConnected = true;
    }
    // Keys in parallel, each key's events one after the other, in the order they were committed.
    const byKey = new Map<string, OutboxRow[]>();
    for (const row of rows) byKey.set(row.message_key, [...(byKey.get(row.message_key) ?? []), row]);
    await Promise.all(
      [...byKey.values()].map(async (sameKey) => {
        for (const row of sameKey) await publish(row);
      }),
    );
    await client.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [rows.map((row) => row.id)]);
    return rows.length;
  };

  const loop = async () => {
    let failures = 0;
    while (!stopping) {
      try {
        const leader = await leadership.acquire();
        if (!leader) {
          await idle(pollIntervalMs * 8);
          continue;
        }
        const published = await drainOnce(leader);
        failures = 0;
        if (published < batchSize) await idle(pollIntervalMs);
      } catch (error) {
        failures++;
        logger.warn({ err: error, failures }, 'outbox relay failed; will retry');
        // Leadership is taken again on a fresh connection: after a database restart the old one is gone,
        // and with it the advisory lock, which another replica may hold by now.
        leadership.release();
        await sleep(Math.min(200 * 2 ** failures, 5_000));
      }
    }
  };

  const backlog = async () => {
    const { rows } = await options.pool.query<{ count: number; oldest_age_ms: number | null }>(
      `SELECT count(*)::int AS count, (extract(epoch FROM now() - min(created_at)) * 1000)::float8 AS oldest_age_ms
       FROM outbox`,
    );
    return { count: rows[0]?.count ?? 0, oldestAgeMs: rows[0]?.oldest_age_ms ?? 0 };
  };

  // How far publishing lags behind writing: a growing backlog means the broker is away or too slow.
  const meter = metrics.getMeter('shop-messaging');
  const backlogGauge = meter.createObservableGauge('app.outbox.backlog', {
    description: 'Events written to the outbox and not yet published.',
    unit: '{event}',
  });
  const ageGauge = meter.createObservableGauge('app.outbox.oldest_age', {
    description: 'Age of the oldest unpublished outbox event.',
    unit: 's',
  });
  const observeBacklog: BatchObservableCallback = async (observer) => {
    const current = await backlog().catch(() => undefined);
    if (!current) return;
    observer.observe(backlogGauge, current.count);
    observer.observe(ageGauge, current.oldestAgeMs / 1000);
  };
  meter.addBatchObservableCallback(observeBacklog, [backlogGauge, ageGauge]);

  const running = loop();

  return {
    wake() {
      wakeUp?.();
    },
    backlog,
    async stop() {
      stopping = true;
      meter.removeBatchObservableCallback(observeBacklog, [backlogGauge, ageGauge]);
      wakeUp?.();
      await running;
      leadership.release();
      if (producerConnected) await producer.disconnect();
    },
  };
}
