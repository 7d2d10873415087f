/**
 * `npm run broker`: the Kafka-protocol test broker with the shop's topics, for running apps by hand.
 * Prints the bootstrap address for KAFKA_BROKERS and runs until Ctrl-C.
 */
import { allTopics } from '@shop/kafka';
import { startMockBroker } from './start-mock-broker';

async function main(): Promise<void> {
  const topics = allTopics(process.env['KAFKA_TOPIC_PREFIX'] ?? '');
  const broker = await startMockBroker({ topics });
  process.stdout.write(
    [
      `Kafka-protocol broker (librdkafka mock cluster) with ${topics.length} topics:`,
      ...topics.map((topic) => `  ${topic.name} (${topic.partitions} partitions)`),
      '',
      `KAFKA_BROKERS=${broker.bootstrapServers}`,
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  const stop = () => void broker.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
