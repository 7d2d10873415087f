import { metrics, type ObservableCallback } from '@opentelemetry/api';
import type { Admin, Kafka } from 'kafkajs';

/**
 * Reports how many messages the group has yet to consume, per topic (`app.messaging.consumer.lag`):
 * the gap between each partition's end and the group's committed offset, read when metrics are
 * collected. A lag that keeps growing says the consumers cannot keep up, or are stuck.
 */
export function observeConsumerLag(
  kafka: Kafka,
  groupId: string,
  topics: readonly string[],
): { stop(): Promise<void> } {
  const meter = metrics.getMeter('shop-kafka');
  const gauge = meter.createObservableGauge('app.messaging.consumer.lag', {
    description: 'Messages in the topic that the consumer group has not committed yet.',
    unit: '{message}',
  });
  let admin: Admin | undefined;

  const lagOf = async (client: Admin, topic: string): Promise<number> => {
    const [ends, [committed]] = await Promise.all([
      client.fetchTopicOffsets(topic),
      client.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const position = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return ends.reduce((sum, end) => {
      const from = position.get(end.partition) ?? -1;
      // -1: nothing committed yet, so everything still in the partition is waiting.
      return sum + Math.max(0, Number(end.high) - (from < 0 ? Number(end.low) : from));
    }, 0);
  };

  const observe: ObservableCallback = async (result) => {
    try {
      if (!admin) {
        admin = kafka.admin();
        await admin.connect();
      }
      const client = admin;
      const lags = await Promise.all(topics.map((topic) => lagOf(client, topic)));
      topics.forEach((topic, i) =>
        result.observe(lags[i] ?? 0, {
          'messaging.destination.name': topic,
          'messaging.consumer.group.name': groupId,
        }),
      );
    } catch {
      // The broker being away shows as missing points, and in the consumer's own errors.
    }
  };
  gauge.addCallback(observe);

  return {
    async stop() {
      gauge.removeCallback(observe);
      await admin?.disconnect();
    },
  };
}
