import type { Kafka } from 'kafkajs';
import { consumerGroup, topicName, type RunningConsumer } from '@shop/kafka';
import type { Logger } from '@shop/logger';
import { startEventConsumer } from '@shop/messaging';
import type { OrdersConfig } from '../../config';
import type { PaymentOutcomes } from '../../domain/payment-outcomes';

/** The consumer group: one per service, so every replica of orders-service shares the partitions. */
export const CONSUMER_GROUP = 'orders-service';

export interface PaymentEventsConsumerDeps {
  config: OrdersConfig;
  kafka: Kafka;
  logger: Logger;
  outcomes: PaymentOutcomes;
}

/** Adapts payment events to the saga; other event types on the topic are skipped. */
export function startPaymentEventsConsumer({
  config,
  kafka,
  logger,
  outcomes,
}: PaymentEventsConsumerDeps): Promise<RunningConsumer> {
  return startEventConsumer({
    kafka,
    logger,
    ...consumerGroup(config, CONSUMER_GROUP),
    topics: [topicName(config, 'paymentEvents')],
    handlers: {
      'payments.v1.PaymentSucceeded': ({ eventId, type, payload }) =>
        outcomes.paymentSucceeded(
          { eventId, type },
          { orderId: payload.orderId, paymentId: payload.paymentId, amountCents: payload.amountCents },
        ),
      'payments.v1.PaymentFailed': ({ eventId, type, payload }) =>
        outcomes.paymentFailed(
          { eventId, type },
          {
            orderId: payload.orderId,
            paymentId: payload.paymentId,
            declineCode: payload.declineCode,
            reason: payload.reason,
          },
        ),
    },
  });
}
