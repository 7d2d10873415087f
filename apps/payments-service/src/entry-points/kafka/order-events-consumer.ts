import type { Kafka } from 'kafkajs';
import type { EventMessage } from '@shop/contracts';
import { consumerGroup, topicName, type RunningConsumer } from '@shop/kafka';
import type { Logger } from '@shop/logger';
import { startEventConsumer } from '@shop/messaging';
import { annotateActiveSpan } from '@shop/telemetry';
import type { PaymentsConfig } from '../../config';
import type { OrderToCharge } from '../../domain/order-to-charge';
import type { ChargeOutcome, PaymentUseCases } from '../../domain/payments';

export const CONSUMER_GROUP = 'payments-service';

/** What an OrderCreated asks to charge: the use case checks it. */
export const orderToCharge = (order: EventMessage<'orders.v1.OrderCreated'>): OrderToCharge => ({
  orderId: order.orderId,
  userId: order.userId,
  amountCents: order.totalCents,
  currency: order.currency,
  paymentMethod: order.paymentMethod,
});

/** The outcome on the message's span, where a person reading the trace looks for it. */
function annotateOutcome(charged: ChargeOutcome): void {
  annotateActiveSpan({
    'app.order.id': charged.orderId,
    'app.payment.id': charged.paymentId,
    ...(charged.outcome === 'already-charged' ? {} : { 'app.payment.outcome': charged.outcome }),
  });
}

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
      'orders.v1.OrderCreated': async ({ eventId, type, payload }) => {
        annotateActiveSpan({ 'app.order.id': payload.orderId });
        annotateOutcome(await useCases.chargeOrder(orderToCharge(payload), { eventId, type }));
      },
    },
  });
}
