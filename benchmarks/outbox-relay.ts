/**
 * The transactional outbox's relay: how many events a second it moves from committed rows to Kafka,
 * and how far publishing lags behind the commits under load.
 *
 *   npm run bench:outbox -- [--events 20000] [--batch 200] [--relay-batch 200]
 *                           [--live-rates 250,1000,2500] [--live-duration 10] [--live-batch 10]
 *
 * On a scratch database with the messaging migrations and a broker of its own (the topic with the
 * shop's 12 partitions), with `startOutboxRelay` exactly as the services run it:
 *
 * - backlog: --events rows are committed first (--batch per transaction, each its own aggregate, an
 *   OrderCreated envelope as the orders service writes it), then the relay starts; events/s is the
 *   backlog over the time until the broker acknowledged the last of them.
 * - live: writers commit --live-batch events per transaction at each of --live-rates (events/s) for
 *   --live-duration seconds, calling `relay.wake()` after each commit as the services do.
 *
 * Two lags per event: the relay's own, from the moment the commit returned to the broker's
 * acknowledgement of the relay's send (its producer is wrapped to timestamp each event id); and what
 * a consumer sees (same group settings as the services: 100 ms fetch wait), from the envelope's
 * `occurred_at` (stamped in the transaction, just before the commit) to when it read the event.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Kafka } from 'kafkajs';
import { Client } from 'pg';
import {
  createPool,
  dropDatabase,
  provisionDatabase,
  runMigrations,
  withTransaction,
  type Pool,
} from '@shop/db';
import { createKafka } from '@shop/kafka';
import { startMockBroker } from '@shop/kafka-mock-broker';
import { createLogger } from '@shop/logger';
import { appendToOutbox, messagingMigrations, startOutboxRelay } from '@shop/messaging';
import { WORKSPACE_ROOT } from '@shop/stack';
import { adminConnection } from './kit/bench-stack';
import { round, summarize, table, writeResults } from './kit/figures';
import { describeMachine, loadAverage, machine } from './kit/machine';
import { parseList, positiveNumber, runScript } from './kit/script';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '200' },
    'relay-batch': { type: 'string', default: '200' },
    'live-rates': { type: 'string', default: '250,1000,2500' },
    'live-duration': { type: 'string', default: '10' },
    'live-batch': { type: 'string', default: '10' },
  },
});
const EVENTS = Math.round(positiveNumber('events', args.events));
const BATCH = Math.round(positiveNumber('batch', args.batch));
const RELAY_BATCH = Math.round(positiveNumber('relay-batch', args['relay-batch']));
const LIVE_RATES = parseList(args['live-rates']).map((rate) => positiveNumber('live-rates', rate));
const LIVE_DURATION_MS = positiveNumber('live-duration', args['live-duration']) * 1000;
const LIVE_BATCH = Math.round(positiveNumber('live-batch', args['live-batch']));
const PARTITIONS = 12;
const MAX_WRITERS = 8;

const orderCreated = (orderId: string) => ({
  orderId,
  userId: '6d1f7c2e-0000-4000-8000-000000000001',
  items: [{ sku: 'beans-huila', quantity: 2, unitPriceCents: 1290 }],
  totalCents: 2580,
  currency: 'EUR',
  paymentMethod: 'pm_card_visa',
  customerEmail: 'ada@example.com',
  customerName: 'Ada Lovelace',
  createdAt: new Date(),
});

/** Commits `count` events in one transaction; answers their ids and when the commit returned. */
async function commitEvents(
  pool: Pool,
  topic: string,
  count: number,
): Promise<{ ids: string[]; at: number }> {
  const ids = await withTransaction(pool, async (client) => {
    const written: string[] = [];
    for (let i = 0; i < count; i++) {
      const orderId = randomUUID();
      written.push(
        await appendToOutbox(client, {
          topic,
          type: 'orders.v1.OrderCreated',
          aggregateId: orderId,
          payload: orderCreated(orderId),
        }),
      );
    }
    return written;
  });
  return { ids, at: Date.now() };
}

interface Received {
  occurredLagMs: number;
  consumedAt: number;
}

async function main(): Promise<void> {
  const host = machine();
  process.stdout.write(
    `Outbox relay: backlog of ${EVENTS} events (${BATCH} per transaction), then live writes at ` +
      `${LIVE_RATES.join(', ')} events/s for ${LIVE_DURATION_MS / 1000} s each (${LIVE_BATCH} per transaction); ` +
      `relay batch ${RELAY_BATCH}, ${PARTITIONS} partitions\n${describeMachine(host)}\n\n`,
  );
  const admin = adminConnection();
  const name = `bench_outbox_${randomBytes(4).toString('hex')}`;
  await provisionDatabase(admin, { database: name, role: name, password: name });
  const pool = createPool(
    { ...admin, user: name, password: name, database: name },
    {
      applicationName: 'bench-outbox',
      max: 10,
    },
  );
  const topic = `${name.replaceAll('_', '-')}.orders.v1.events`;
  const broker = await startMockBroker({ topics: [{ name: topic, partitions: PARTITIONS }] });
  const logger = createLogger({ service: 'bench-outbox', level: 'error' });
  const kafka = createKafka({
    brokers: broker.bootstrapServers.split(','),
    clientId: 'bench-outbox',
    logger,
  });
  let relay: ReturnType<typeof startOutboxRelay> | undefined;
  let consumerChild: ChildProcess | undefined;
  // The relay's producer, with each acknowledged send timestamped per event id (the `event-id` header
  // the relay sets): when the broker had the event, whatever the consumer does afterwards.
  const published = new Map<string, number>();
  const relayKafka = Object.create(kafka) as Kafka;
  relayKafka.producer = (config) => {
    const producer = kafka.producer(config);
    const send = producer.send.bind(producer);
    producer.send = async (record) => {
      const metadata = await send(record);
      const now = Date.now();
      for (const message of record.messages) {
        const id = message.headers?.['event-id'];
        if (id !== undefined) published.set(String(id), now);
      }
      return metadata;
    };
    return producer;
  };
  try {
    await runMigrations(pool, messagingMigrations);

    // The consumer, in a process of its own: every envelope, its occurred_at, and when it was read.
    const received = new Map<string, Received>();
    consumerChild = spawn(
      join(WORKSPACE_ROOT, 'node_modules', '.bin', 'tsx'),
      [
        '--tsconfig',
        join(WORKSPACE_ROOT, 'tsconfig.base.json'),
        join(WORKSPACE_ROOT, 'benchmarks', 'outbox-consumer.ts'),
        broker.bootstrapServers,
        topic,
        `${name}-reader`,
      ],
      { cwd: WORKSPACE_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const consumerExited = new Promise<never>((_, reject) =>
      consumerChild?.once('exit', (code) => reject(new Error(`the consumer exited with ${code}`))),
    );
    consumerExited.catch(() => undefined);
    const ready = new Promise<void>((resolve) => {
      createInterface({ input: consumerChild!.stdout! }).on('line', (line) => {
        if (line === 'ready') return resolve();
        for (const [id, consumedAt, occurredAt] of JSON.parse(line) as [string, number, number][])
          received.set(id, { occurredLagMs: consumedAt - occurredAt, consumedAt });
      });
    });
    await Promise.race([ready, consumerExited]);

    const backlogCount = async () =>
      Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox')).rows[0]?.n ?? 0);
    const until = async (condition: () => Promise<boolean> | boolean, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await condition())) {
        if (Date.now() > deadline) throw new Error('timed out waiting');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };

    // --- Phase 1: a backlog, then the relay.
    const insertStart = performance.now();
    const backlogIds: string[] = [];
    for (let written = 0; written < EVENTS; written += BATCH) {
      const { ids } = await commitEvents(pool, topic, Math.min(BATCH, EVENTS - written));
      backlogIds.push(...ids);
    }
    const insertS = (performance.now() - insertStart) / 1000;
    const relayStart = performance.now();
    relay = startOutboxRelay({ pool, kafka: relayKafka, logger, batchSize: RELAY_BATCH });
    await until(async () => (await backlogCount()) === 0, 300_000);
    const drainS = (performance.now() - relayStart) / 1000;
    const relayStartWall = Date.now() - drainS * 1000;
    await until(() => backlogIds.every((id) => received.has(id)), 120_000);
    const consumedS = (performance.now() - relayStart) / 1000;
    const lastPublished = Math.max(...backlogIds.map((id) => published.get(id) ?? NaN));
    const backlog = {
      events: EVENTS,
      insertedPerSecond: round(EVENTS / insertS),
      /** Until the last send was acknowledged (the rows are deleted a moment later). */
      publishedPerSecond: round(EVENTS / ((lastPublished - relayStartWall) / 1000)),
      outboxEmptyAfterS: round(drainS, 2),
      consumedPerSecond: round(EVENTS / consumedS),
      consumedAllAfterS: round(consumedS, 2),
      loadAverage: loadAverage()[0] ?? NaN,
    };
    process.stdout.write(
      `backlog: ${EVENTS} events committed at ${backlog.insertedPerSecond}/s; relay published them at ` +
        `${backlog.publishedPerSecond}/s (outbox empty after ${backlog.outboxEmptyAfterS} s); the consumer had all ` +
        `after ${backlog.consumedAllAfterS} s (${backlog.consumedPerSecond}/s); load average ${backlog.loadAverage}\n`,
    );

    // --- Phase 2: live writes at fixed rates, with wake() after each commit.
    const live = [];
    for (const rate of LIVE_RATES) {
      const committed = new Map<string, number>();
      const transactions = Math.max(1, Math.round((rate * LIVE_DURATION_MS) / 1000 / LIVE_BATCH));
      const intervalMs = (LIVE_BATCH * 1000) / rate;
      let maxBacklog = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          maxBacklog = Math.max(maxBacklog, await backlogCount());
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();
      const start = performance.now();
      const startWall = Date.now();
      const inFlight: Promise<void>[] = [];
      const active = new Set<Promise<void>>();
      let lateMs = 0;
      for (let i = 0; i < transactions; i++) {
        const due = start + i * intervalMs;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        else lateMs = Math.max(lateMs, -wait);
        // At most MAX_WRITERS transactions at once (the pool has 10 connections, one is the relay's):
        // a writer that cannot keep up falls behind its schedule, which the committed rate shows.
        while (active.size >= MAX_WRITERS) await Promise.race(active);
        const transaction = commitEvents(pool, topic, LIVE_BATCH).then(({ ids, at }) => {
          for (const id of ids) committed.set(id, at);
          relay?.wake();
        });
        active.add(transaction);
        void transaction.finally(() => active.delete(transaction));
        inFlight.push(transaction);
      }
      await Promise.all(inFlight);
      const writeS = (performance.now() - start) / 1000;
      await until(() => [...committed.keys()].every((id) => received.has(id)), 300_000);
      sampling = false;
      await sampler;
      const lags = [...committed].map(([id, at]) => {
        const got = received.get(id)!;
        return {
          published: (published.get(id) ?? NaN) - at,
          occurred: got.occurredLagMs,
          consumed: got.consumedAt - at,
          publishedAt: published.get(id) ?? NaN,
          consumedAt: got.consumedAt,
        };
      });
      const span = (last: number) => (last - startWall) / 1000;
      const result = {
        targetRate: rate,
        events: committed.size,
        committedPerSecond: round(committed.size / writeS),
        publishedPerSecond: round(committed.size / span(Math.max(...lags.map((lag) => lag.publishedAt)))),
        consumedPerSecond: round(committed.size / span(Math.max(...lags.map((lag) => lag.consumedAt)))),
        writerLateMaxMs: round(lateMs),
        maxBacklog,
        /** The relay's own lag: commit returned -> the broker acknowledged the event. */
        commitToPublishMs: summarize(
          lags.map((lag) => lag.published),
          1,
        ),
        /** What a consumer sees: the envelope's occurred_at -> read by the consumer. */
        occurredToConsumedMs: summarize(
          lags.map((lag) => lag.occurred),
          1,
        ),
        commitToConsumedMs: summarize(
          lags.map((lag) => lag.consumed),
          1,
        ),
        loadAverage: loadAverage()[0] ?? NaN,
      };
      live.push(result);
      process.stdout.write(
        `live ${rate}/s: ${result.events} events committed at ${result.committedPerSecond}/s, published at ` +
          `${result.publishedPerSecond}/s, consumed at ${result.consumedPerSecond}/s; commit->published p50 ` +
          `${result.commitToPublishMs.p50} / p99 ${result.commitToPublishMs.p99} ms; occurred_at->consumed p50 ` +
          `${result.occurredToConsumedMs.p50} / p99 ${result.occurredToConsumedMs.p99} ms; max backlog ${maxBacklog}; ` +
          `load average ${result.loadAverage}\n`,
      );
    }

    const loadAtEnd = loadAverage();
    process.stdout.write(
      `\nSummary (${host.cores} cores, Node ${host.node}, load average ${host.loadAverageAtStart[0]} at start, ${loadAtEnd[0]} at end):\n` +
        table([
          [
            'phase',
            'events',
            'committed/s',
            'published/s',
            'consumed/s',
            'commit->published p50 / p99 ms',
            'occurred_at->consumed p50 / p99 ms',
            'max backlog',
          ],
          [
            'backlog',
            backlog.events,
            backlog.insertedPerSecond,
            backlog.publishedPerSecond,
            backlog.consumedPerSecond,
            '-',
            '-',
            EVENTS,
          ],
          ...live.map((entry) => [
            `live ${entry.targetRate}/s`,
            entry.events,
            entry.committedPerSecond,
            entry.publishedPerSecond,
            entry.consumedPerSecond,
            `${entry.commitToPublishMs.p50} / ${entry.commitToPublishMs.p99}`,
            `${entry.occurredToConsumedMs.p50} / ${entry.occurredToConsumedMs.p99}`,
            entry.maxBacklog,
          ]),
        ]) +
        '\n',
    );
    writeResults('outbox-relay', {
      machine: host,
      loadAverageAtEnd: loadAtEnd,
      settings: {
        events: EVENTS,
        batch: BATCH,
        relayBatch: RELAY_BATCH,
        liveRates: LIVE_RATES,
        liveDurationS: LIVE_DURATION_MS / 1000,
        liveBatch: LIVE_BATCH,
        partitions: PARTITIONS,
        consumer:
          'own process (outbox-consumer.ts): kafkajs eachBatch, maxWaitTimeInMs 100, partitionsConsumedConcurrently 12',
        maxWriterTransactionsInFlight: MAX_WRITERS,
      },
      backlog,
      live,
    });
  } finally {
    await relay?.stop().catch(() => undefined);
    consumerChild?.kill('SIGTERM');
    await broker.stop();
    await pool.end().catch(() => undefined);
    await dropDatabase(admin, name);
    const client = new Client(admin);
    await client.connect();
    await client.query(`DROP ROLE IF EXISTS "${name}"`).finally(() => client.end());
  }
}

runScript(main);
