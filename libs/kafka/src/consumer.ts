import { setTimeout as sleep } from 'node:timers/promises';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { createProducer } from './client';
import { observeConsumerLag } from './consumer-lag';
import { keepMember } from './consumer-member';
import { inLinkedSpan } from './linked-span';
import type { Logger } from '@shop/logger';

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * How a failure is treated. `transient`: the world is not ready (database or peer down): keep the message
 * uncommitted and retry it, backing off up to `maxBackoffMs`, until it succeeds; never dead-letter it.
 * `permanent`: the message itself is bad: dead-letter it at once. `unknown`: retry a few times, then
 * dead-letter it.
 */
export type FailureKind = 'transient' | 'permanent' | 'unknown';

export interface ConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  deadLetterTopic: string;
  logger: Logger;
  handle(message: ConsumedMessage): Promise<void>;
  classify?: (error: unknown) => FailureKind;
  /** Attempts before a message whose failure is `unknown` is dead-lettered. */
  maxAttempts?: number;
  initialBackoffMs?: number;
  /** The longest wait between two attempts; a `transient` failure is retried at this pace until it ends. */
  maxBackoffMs?: number;
  /** Kafka's own timings; the defaults suit a real cluster, tests shorten them. */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  maxWaitTimeInMs?: number;
  /** Partitions handled at once; messages of one partition are always handled in order. */
  partitionsConsumedConcurrently?: number;
  /**
   * How a message's processing joins the producer's trace. `parent` (default): as a child of the
   * producer span, so one user action is one trace. `link`: a new trace per fetched batch with links
   * to the producers, for fan-in or long-lived flows where one giant trace would mislead.
   */
  traceContext?: 'parent' | 'link';
}

export interface RunningConsumer {
  /** Finishes the messages in hand, commits, leaves the group. */
  stop(): Promise<void>;
}

export const DLT_HEADERS = {
  error: 'dlt-error',
  errorName: 'dlt-error-name',
  originalTopic: 'dlt-original-topic',
  originalPartition: 'dlt-original-partition',
  originalOffset: 'dlt-original-offset',
  attempts: 'dlt-attempts',
  failedAt: 'dlt-failed-at',
} as const;

// How often a message held through a backoff heartbeats: well within any session timeout.
const HOLD_STEP_MS = 500;

export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = first.toString();
  }
  return result;
}

/** Thrown out of a handler that gives a message back unfinished because the consumer is stopping. */
class RedeliverLater extends Error {
  override readonly name = 'RedeliverLater';
}

/** What a handler may do while it holds a message; kafkajs hands these to `eachMessage` and `eachBatch`. */
interface Holding {
  /** Tells the group this member is alive; throws when a rebalance took the partition away. */
  heartbeat(): Promise<void>;
}

/** A message as kafkajs hands it over, in the shape the shop's handlers take. */
export const toConsumedMessage = (
  topic: string,
  partition: number,
  message: KafkaMessage,
): ConsumedMessage => ({
  topic,
  partition,
  offset: message.offset,
  key: message.key?.toString(),
  value: message.value,
  headers: headersToStrings(message.headers),
});

/**
 * At-least-once consumption: an offset is committed only after its message was handled or dead-lettered.
 * Handlers must therefore be idempotent (see the messaging lib's processed-events guard).
 */
export async function startConsumer(options: ConsumerOptions): Promise<RunningConsumer> {
  const classify = options.classify ?? (() => 'unknown');
  const maxAttempts = options.maxAttempts ?? 5;
  const initialBackoffMs = options.initialBackoffMs ?? 200;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  const logger = options.logger.child({ component: 'consumer', groupId: options.groupId });
  let stopping = false;

  const producer: Producer = createProducer(options.kafka);

  const deadLetter = async (message: ConsumedMessage, error: unknown, attempts: number): Promise<void> => {
    const failure = error instanceof Error ? error : new Error(String(error));
    await producer.send({
      topic: options.deadLetterTopic,
      messages: [
        {
          key: message.key ?? null,
          value: message.value,
          headers: {
            ...message.headers,
            [DLT_HEADERS.error]: failure.message,
            [DLT_HEADERS.errorName]: failure.name,
            [DLT_HEADERS.originalTopic]: message.topic,
            [DLT_HEADERS.originalPartition]: String(message.partition),
            [DLT_HEADERS.originalOffset]: message.offset,
            [DLT_HEADERS.attempts]: String(attempts),
            [DLT_HEADERS.failedAt]: new Date().toISOString(),
          },
        },
      ],
    });
    trace.getActiveSpan()?.setStatus({
      code: SpanStatusCode.ERROR,
      message: `dead-lettered to ${options.deadLetterTopic} after ${attempts} attempts: ${failure.message}`,
    });
    logger.error(
      { err: failure, topic: message.topic, partition: message.partition, offset: message.offset, attempts },
      'message dead-lettered',
    );
  };

  // Waits `ms` while keeping the group membership alive, so that a long wait is never taken for a dead member.
  const holdFor = async (ms: number, holding: Holding): Promise<void> => {
    for (let left = ms; left > 0 && !stopping; left -= HOLD_STEP_MS) {
      await sleep(Math.min(left, HOLD_STEP_MS));
      await holding.heartbeat();
    }
  };

  const handleWithRetries = async (message: ConsumedMessage, holding: Holding): Promise<void> => {
    // The message's processing span: each failed attempt is recorded on it, so that a trace shows the
    // retries, and a message given up on (dead-lettered) ends it in ERROR.
    const span = trace.getActiveSpan();
    for (let attempt = 1; ; attempt++) {
      try {
        await options.handle(message);
        return;
      } catch (error) {
        span?.recordException(error instanceof Error ? error : String(error));
        const kind = classify(error);
        if (kind === 'permanent') return deadLetter(message, error, attempt);
        if (kind === 'unknown' && attempt >= maxAttempts) return deadLetter(message, error, attempt);
        if (stopping) throw new RedeliverLater('stopping', { cause: error });
        // A transient failure keeps the message in hand, however long the outage, retried with a bounded
        // backoff while the member heartbeats. kafkajs hands out one fetch's batches together, so the rest
        // of that fetch waits too: with a dependency away they would fail alike. Giving the message back
        // to kafkajs instead makes it retry the whole fetch and, after its retries, restart the consumer:
        // a rejoin, a rebalance for every member and the same failure again, as long as the outage lasts.
        const backoffMs = Math.min(initialBackoffMs * 2 ** (attempt - 1), maxBackoffMs);
        logger.warn(
          { err: error, attempt, backoffMs, offset: message.offset, topic: message.topic, kind },
          kind === 'transient' && attempt >= maxAttempts
            ? 'handling failed on a dependency that is away, waiting for it'
            : 'handling failed, retrying',
        );
        await holdFor(backoffMs, holding);
        if (stopping) throw new RedeliverLater('stopping', { cause: error });
      }
    }
  };

  // Runs one group member; a member that crashed for good is replaced by a new one (`keepMember`).
  const run = async (consumer: Consumer): Promise<void> => {
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
    // kafkajs's instrumentation makes the processing span of `eachMessage` a child of the producer's,
    // and with `eachBatch` starts a trace per batch that links to the producers: the switch is the API.
    if (options.traceContext === 'link') {
      await consumer.run({
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
        eachBatch: async (fetched) => {
          const { batch } = fetched;
          for (const message of batch.messages) {
            if (!fetched.isRunning() || fetched.isStale()) return;
            const consumed = toConsumedMessage(batch.topic, batch.partition, message);
            await inLinkedSpan(consumed, () =>
              handleWithRetries(consumed, { heartbeat: () => fetched.heartbeat() }),
            );
            fetched.resolveOffset(message.offset);
            await fetched.heartbeat();
          }
        },
      });
    } else {
      await consumer.run({
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
        eachMessage: (payload) =>
          handleWithRetries(toConsumedMessage(payload.topic, payload.partition, payload.message), {
            heartbeat: () => payload.heartbeat(),
          }),
      });
    }
  };

  const lag = observeConsumerLag(options.kafka, options.groupId, options.topics);
  await producer.connect();
  const member = keepMember({
    create: () =>
      options.kafka.consumer({
        groupId: options.groupId,
        sessionTimeout: options.sessionTimeoutMs ?? 30_000,
        heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
        maxWaitTimeInMs: options.maxWaitTimeInMs ?? 500,
        // Never give up on the group: a broker outage delays consumption, it must not end it.
        retry: { retries: 10, restartOnFailure: () => Promise.resolve(!stopping) },
      }),
    run,
    logger,
    initialBackoffMs: 1_000,
    maxBackoffMs,
  });
  await member.started;

  return {
    async stop() {
      stopping = true;
      await lag.stop();
      await member.stop();
      await producer.disconnect();
    },
  };
}
