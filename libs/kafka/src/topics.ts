/**
 * The single source of truth for topic names and partition counts: the services, the compose topic job
 * and the test broker all read this list.
 *
 * One topic per aggregate (`<service>.<version>.events`), keyed by the aggregate id, so that all events of
 * one user, order or payment stay in order on one partition; the event type travels in the envelope.
 * Twelve partitions let up to twelve replicas of a consumer share the work.
 */
export const EVENT_PARTITIONS = 12;

export const TOPICS = {
  userEvents: { name: 'users.v1.events', partitions: EVENT_PARTITIONS },
  orderEvents: { name: 'orders.v1.events', partitions: EVENT_PARTITIONS },
  paymentEvents: { name: 'payments.v1.events', partitions: EVENT_PARTITIONS },
} as const;

export type TopicKey = keyof typeof TOPICS;

/**
 * A consumer group's dead-letter topic: where an event that keeps failing goes, with the error in its
 * headers, so that it never blocks its partition. Few partitions: nothing scales out to consume it.
 */
export const deadLetterTopic = (groupId: string): { name: string; partitions: number } => ({
  name: `${groupId}.dlt`,
  partitions: 3,
});

/** The consumer groups of the shop, one per consuming service; each has a dead-letter topic. */
export const CONSUMER_GROUPS = ['orders-service', 'payments-service', 'email-service'] as const;

/**
 * Every topic the shop needs, with an optional prefix. A prefix lets several environments (or parallel
 * test suites) share one cluster without seeing each other's events.
 */
export function allTopics(prefix = ''): { name: string; partitions: number }[] {
  return [...Object.values(TOPICS), ...CONSUMER_GROUPS.map(deadLetterTopic)].map((topic) => ({
    name: `${prefix}${topic.name}`,
    partitions: topic.partitions,
  }));
}

/** The settings an app's config holds about topics and consumer groups (see `kafkaEnv` in @shop/config). */
export interface KafkaNaming {
  KAFKA_TOPIC_PREFIX: string;
}

export interface KafkaConsumerEnv extends KafkaNaming {
  KAFKA_SESSION_TIMEOUT_MS: number;
  KAFKA_HEARTBEAT_INTERVAL_MS: number;
  KAFKA_FETCH_MAX_WAIT_MS: number;
  KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY?: number | undefined;
  KAFKA_CONSUMER_TRACE_CONTEXT: 'parent' | 'link';
}

/** A topic's name in this environment. */
export const topicName = (env: KafkaNaming, topic: TopicKey): string =>
  `${env.KAFKA_TOPIC_PREFIX}${TOPICS[topic].name}`;

/**
 * A service's consumer group in this environment: its id, its dead-letter topic and the timings from
 * config, ready to spread into `startConsumer` / `startEventConsumer` options.
 */
export function consumerGroup(env: KafkaConsumerEnv, service: (typeof CONSUMER_GROUPS)[number]) {
  const groupId = `${env.KAFKA_TOPIC_PREFIX}${service}`;
  return {
    groupId,
    deadLetterTopic: deadLetterTopic(groupId).name,
    sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: env.KAFKA_HEARTBEAT_INTERVAL_MS,
    maxWaitTimeInMs: env.KAFKA_FETCH_MAX_WAIT_MS,
    // Handlers wait on the network (the card network, SMTP, the database) far more than they compute, and
    // kafkajs fetches again only once every batch of the last fetch is handled: with fewer partitions in hand
    // than a fetch brings, the batches wait in turns behind each other's waits while the CPU idles (3 at a
    // time held a payments replica near 43 checkouts a second with a 50 ms card network). Order is kept
    // per partition, so per key, either way.
    partitionsConsumedConcurrently: env.KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY ?? EVENT_PARTITIONS,
    traceContext: env.KAFKA_CONSUMER_TRACE_CONTEXT,
  };
}

/**
 * Where a broadcast listener's consumer groups are named (see `startBroadcastListener`): one group per
 * process, so not in CONSUMER_GROUPS, and without a dead-letter topic, since a listener never retries.
 */
export const listenerGroupPrefix = (env: KafkaNaming, app: string): string =>
  `${env.KAFKA_TOPIC_PREFIX}${app}.listener.`;
