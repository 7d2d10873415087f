import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { createLogger, type Logger } from '@shop/logger';

/** The broker the global set-up started (or the one `KAFKA_BROKERS` named). */
export function testBrokers(): string[] {
  const brokers = process.env['KAFKA_BROKERS'];
  if (!brokers)
    throw new Error(
      'KAFKA_BROKERS is not set: run the tests through jest, whose global set-up starts a broker',
    );
  return brokers.split(',');
}

/**
 * A topic prefix of the suite's own, so that suites sharing the broker never see each other's events.
 * The broker creates prefixed topics on first use.
 */
export function uniqueTopicPrefix(label: string): string {
  return `${label}-${randomBytes(3).toString('hex')}.`;
}

export function testKafka(clientId = 'test'): Kafka {
  return new Kafka({ clientId, brokers: testBrokers(), logLevel: logLevel.NOTHING });
}

/** Consumer timings that keep rebalances and empty fetches short against the test broker. */
export const fastConsumerTimings = {
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
  maxWaitTimeInMs: 100,
} as const;

export function testLogger(service = 'test'): Logger {
  return createLogger({
    service,
    level: (process.env['TEST_LOG_LEVEL'] as 'silent' | undefined) ?? 'silent',
  });
}

/**
 * A logger that keeps the messages of its error and warning lines (kafkajs's crash reports and warnings,
 * a consumer's own), for tests that assert what went wrong or that nothing did.
 */
export function errorRecordingLogger(): { logger: Logger; errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const recording = {
    child: () => recording,
    error: (_extra: unknown, message: string) => errors.push(message),
    warn: (_extra: unknown, message: string) => warnings.push(message),
    info: () => undefined,
    debug: () => undefined,
  };
  // Only the methods the Kafka client and the consumers call: enough of a Logger for them.
  return { logger: recording as unknown as Logger, errors, warnings };
}

/** The fast consumer timings as a service reads them from its environment. */
export const fastKafkaEnv: Readonly<Record<string, string>> = {
  KAFKA_SESSION_TIMEOUT_MS: String(fastConsumerTimings.sessionTimeoutMs),
  KAFKA_HEARTBEAT_INTERVAL_MS: String(fastConsumerTimings.heartbeatIntervalMs),
  KAFKA_FETCH_MAX_WAIT_MS: String(fastConsumerTimings.maxWaitTimeInMs),
};

/** The Kafka part of a service's environment in a test: the test broker, a prefix, fast timings. */
export function testKafkaEnv(topicPrefix: string): Record<string, string> {
  return {
    KAFKA_BROKERS: testBrokers().join(','),
    KAFKA_TOPIC_PREFIX: topicPrefix,
    ...fastKafkaEnv,
  };
}
