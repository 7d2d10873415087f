import type { Kafka } from 'kafkajs';
import { consumerGroup, topicName, type RunningConsumer } from '@shop/kafka';
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
  return startEventConsumer({
    kafka: options.kafka,
    logger: options.logger,
    ...consumerGroup(config, CONSUMER_GROUP),
    topics: [topicName(config, 'orderEvents')],
    handlers: {
      'orders.v1.OrderCreated': (event) => useCases.chargeOrder(event),
    },
  });
}
