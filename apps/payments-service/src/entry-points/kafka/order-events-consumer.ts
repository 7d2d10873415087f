import type { Kafka } from 'kafkajs';
import { consumerGroup, topicName, type RunningConsumer } from '@shop/kafka';
import type { Logger } from '@shop/logger';
import { startEventConsumer } from '@shop/messaging';
import type { PaymentEventHandlers } from '@shop/payments-module';
import type { PaymentsConfig } from '../../config';

export const CONSUMER_GROUP = 'payments-service';

/**
 * Charges every order placed: the module's handlers (OrderCreated is the only order event it acts on)
 * over the order events topic. The topic carries other types too; those have no handler and are skipped.
 */
export function startOrderEventsConsumer(options: {
  config: PaymentsConfig;
  kafka: Kafka;
  logger: Logger;
  handlers: PaymentEventHandlers;
}): Promise<RunningConsumer> {
  const { config } = options;
  return startEventConsumer({
    kafka: options.kafka,
    logger: options.logger,
    ...consumerGroup(config, CONSUMER_GROUP),
    topics: [topicName(config, 'orderEvents')],
    handlers: options.handlers,
  });
}
