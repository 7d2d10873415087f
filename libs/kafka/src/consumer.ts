import { setTimeout as sleep } from 'node:timers/promises';
import type { IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { observeConsumerLag } from './consumer-lag';
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
 * How a failure is treated. `transient`: the world is not ready (database or peer down): retry, then
 * leave the message uncommitted so it is delivered again later; never dead-letter it. `permanent`: the
 * message itself is bad: dead-letter it at once. `unknown`: retry a few times, then dead-letter it.
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
  maxAttempts?: number;
  initialBackoffMs?: number;
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

export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = first.toString();
  }
  return result;
}

class RedeliverLater extends Error {
  override readonly name = 'RedeliverLater';
}

/**
 * At-least-once consumption: an offset is committed only after its message was handled or dead-lettered.
 * Handlers must therefore be idempotent (see the messaging lib's processed-events guard).
 */
export async function startConsumer(options: ConsumerOptions): Promise<RunningConsumer> {
  const classify = options.classify ?? (() => 'unknown');
  const maxAttempts = options.maxAttempts ?? 5;
  const initialBackoffMs = options.initialBackoffMs ?? 200;
  const logger = options.logger.child({ component: 'consumer', groupId: options.groupId });
  let stopping = false;

  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
    maxWaitTimeInMs: options.maxWaitTimeInMs ?? 500,
    // Never give up on the group: a broker outage delays consumption, it must not end it.
    retry: { retries: 10, restartOnFailure: () => Promise.resolve(!stopping) },
  });
  const producer: Producer = options.kafka.producer();

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
    logger.error(
      { err: failure, topic: message.topic, partition: message.partition, offset: message.offset, attempts },
      'message dead-lettered',
    );
  };

  const handleWithRetries = async (message: ConsumedMessage): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await options.handle(message);
        return;
      } catch (error) {
        const kind = classify(error);
        if (kind === 'permanent') return deadLetter(message, error, attempt);
        if (attempt >= maxAttempts) {
          if (kind === 'unknown') return deadLetter(message, error, attempt);
          // Transient: leave it uncommitted; kafkajs backs off and delivers it again.
          throw new RedeliverLater(`redelivering after ${attempt} attempts: ${String(error)}`, {
            cause: error,
          });
        }
        logger.warn(
          { err: error, attempt, offset: message.offset, topic: message.topic },
          'handling failed, retrying',
        );
        if (stopping) throw new RedeliverLater('stopping', { cause: error });
        await sleep(Math.min(initialBackoffMs * 2 ** (attempt - 1), 5_000));
      }
    }
  };

  const toConsumed = (topic: string, partition: number, message: KafkaMessage): ConsumedMessage => ({
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString(),
    value: message.value,
    headers: headersToStrings(message.headers),
  });

  const lag = observeConsumerLag(options.kafka, options.groupId, options.topics);
  await producer.connect();
  await consumer.connect();
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
          const consumed = toConsumed(batch.topic, batch.partition, message);
          await inLinkedSpan(consumed, () => handleWithRetries(consumed));
          fetched.resolveOffset(message.offset);
          await fetched.heartbeat();
        }
      },
    });
  } else {
    await consumer.run({
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
      eachMessage: ({ topic, partition, message }) =>
        handleWithRetries(toConsumed(topic, partition, message)),
    });
  }

  return {
    async stop() {
      stopping = true;
      await lag.stop();
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
