/**
 * The consumer of outbox-relay.ts, in a process of its own (as the services that consume events are):
 * reads every event of a topic with the services' consumer timings and decodes each envelope with
 * `decodeEnvelope`; writes "ready" once it has joined its group, then per batch one JSON line of
 * [eventId, consumedAtMs, occurredAtMs] triples.
 *
 *   tsx --tsconfig tsconfig.base.json benchmarks/outbox-consumer.ts BROKERS TOPIC GROUP_ID
 */
import { Kafka, logLevel } from 'kafkajs';
import { decodeEnvelope } from '@shop/messaging';

async function main(): Promise<void> {
  const [brokers, topic, groupId] = process.argv.slice(2);
  if (!brokers || !topic || !groupId) throw new Error('usage: outbox-consumer.ts BROKERS TOPIC GROUP_ID');
  const kafka = new Kafka({
    clientId: 'bench-outbox-consumer',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 6_000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
  });
  consumer.on(consumer.events.GROUP_JOIN, () => process.stdout.write('ready\n'));
  process.on('SIGTERM', () => void consumer.disconnect().finally(() => process.exit(0)));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: 12,
    eachBatch: ({ batch }) => {
      const now = Date.now();
      const rows = batch.messages.map((message) => {
        const event = decodeEnvelope(message);
        return [event.eventId, now, event.occurredAt?.getTime() ?? null];
      });
      if (rows.length) process.stdout.write(`${JSON.stringify(rows)}\n`);
      return Promise.resolve();
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
