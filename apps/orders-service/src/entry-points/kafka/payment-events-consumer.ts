import type { Kafka } from 'kafkajs';
import { consumerGroup, topicName, type RunningConsumer } from '@shop/kafka';
import type { Logger } from '@shop/logger';
import { startEventConsumer, type ReceivedEvent } from '@shop/messaging';
import type { PaymentEventHandlers, PaymentEventType } from '@shop/orders-module';
import { annotateActiveSpan } from '@shop/telemetry';
import type { OrdersConfig } from '../../config';

/** The consumer group: one per service, so every replica of orders-service shares the partitions. */
export const CONSUMER_GROUP = 'orders-service';

export interface PaymentEventsConsumerDeps {
  config: OrdersConfig;
  kafka: Kafka;
  logger: Logger;
  /** The orders module's handlers: the mapping from payment events to the saga lives there. */
  handlers: PaymentEventHandlers;
}

/** The order a message is about, on the message's span, where a person reading the trace looks for it. */
const annotated =
  <T extends PaymentEventType>(handle: (event: ReceivedEvent<T>) => Promise<void>) =>
  (event: ReceivedEvent<T>): Promise<void> => {
    annotateActiveSpan({ 'app.order.id': event.payload.orderId });
    return handle(event);
  };

/** Feeds payment events to the saga; other event types on the topic are skipped. */
export function startPaymentEventsConsumer({
  config,
  kafka,
  logger,
  handlers,
}: PaymentEventsConsumerDeps): Promise<RunningConsumer> {
  return startEventConsumer({
    kafka,
    logger,
    ...consumerGroup(config, CONSUMER_GROUP),
    topics: [topicName(config, 'paymentEvents')],
    handlers: {
      'payments.v1.PaymentSucceeded': annotated(handlers['payments.v1.PaymentSucceeded']),
      'payments.v1.PaymentFailed': annotated(handlers['payments.v1.PaymentFailed']),
    },
  });
}
