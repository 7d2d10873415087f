import type { EmailModule } from '@shop/email-module';
import { TOPICS } from '@shop/kafka';
import type { EventHandlers, InProcessSubscriber } from '@shop/messaging';
import type { OrdersModule } from '@shop/orders-module';
import type { PaymentsModule } from '@shop/payments-module';
import type { OrderStatus, OrderStatusHub } from '@shop/shop-api';
import { annotateActiveSpan } from '@shop/telemetry';

/**
 * The topics the modules write to their outboxes. In process they only label the events (nothing is
 * sent to a broker), so they keep the names the services use: a trace reads the same either way.
 */
export const MODULE_TOPICS = {
  userEvents: TOPICS.userEvents.name,
  orderEvents: TOPICS.orderEvents.name,
  paymentEvents: TOPICS.paymentEvents.name,
} as const;

/** The live order streams hear every order event: the status each one leaves its order in. */
function orderStatusHandlers(hub: OrderStatusHub): EventHandlers {
  const publish =
    (status: OrderStatus) =>
    ({ aggregateId }: { aggregateId: string }): Promise<void> => {
      annotateActiveSpan({ 'app.order.id': aggregateId });
      hub.publish({ orderId: aggregateId, status });
      return Promise.resolve();
    };
  return {
    'orders.v1.OrderCreated': publish('PENDING'),
    'orders.v1.OrderConfirmed': publish('CONFIRMED'),
    'orders.v1.OrderCancelled': publish('CANCELLED'),
  };
}

export interface SubscriberDeps {
  orders: OrdersModule;
  payments: PaymentsModule;
  email: EmailModule;
  orderEvents: OrderStatusHub;
}

/**
 * Who reads which module's events, the saga as the services' Kafka consumers wire it: payments charges
 * each OrderCreated, orders settles on PaymentSucceeded/PaymentFailed, email mails on UserRegistered,
 * OrderConfirmed and OrderCancelled; the live order streams follow every order event. Each handler map
 * is the one the module gives its Kafka consumer, so both deployments run the same mapping.
 *
 * Only the process that drains an outbox delivers its events, so with several replicas the order
 * streams open on the others learn of a change from their periodic re-read instead.
 */
export function moduleSubscribers(deps: SubscriberDeps): InProcessSubscriber[] {
  return [
    { name: 'payments', topics: [MODULE_TOPICS.orderEvents], handlers: deps.payments.eventHandlers },
    { name: 'orders', topics: [MODULE_TOPICS.paymentEvents], handlers: deps.orders.eventHandlers },
    {
      name: 'email',
      topics: [MODULE_TOPICS.userEvents, MODULE_TOPICS.orderEvents],
      handlers: deps.email.eventHandlers,
    },
    {
      name: 'order-status-streams',
      topics: [MODULE_TOPICS.orderEvents],
      handlers: orderStatusHandlers(deps.orderEvents),
    },
  ];
}
