import type { Kafka } from 'kafkajs';
import { deadLetterTopic, TOPICS, type RunningConsumer } from '@shop/kafka';
import type { Logger } from '@shop/logger';
import { startEventConsumer } from '@shop/messaging';
import type { PaymentsConfig } from '../../config';
import type { PaymentUseCases } from '../../domain/payments';

export const CONSUMER_GROUP = 'payments-service';

/** Charges every order placed: OrderCreated is the only order event this service acts on. */
export function startOrderEventsConsumer(options: {
  config: PaymentsConfig;
  kafka: Kafka;
  logger: Logger;
  useCases: PaymentUseCases;
}): Promise<RunningConsumer> {
  const { config, useCases } = options;
  const groupId = `${config.KAFKA_TOPIC_PREFIX}${CONSUMER_GROUP}`;
  return startEventConsumer({
    kafka: options.kafka,
    logger: options.logger,
    groupId,
    topics: [`${config.KAFKA_TOPIC_PREFIX}${TOPICS.orderEvents.name}`],
    deadLetterTopic: deadLetterTopic(groupId).name,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    maxWaitTimeInMs: config.KAFKA_FETCH_MAX_WAIT_MS,
    handlers: {
      'orders.v1.OrderCreated': (event) => useCases.chargeOrder(event),
    },
  });
}
