import type { EventMessage, EventTypeName } from '@shop/contracts';
import type { ReceivedEvent } from '@shop/messaging';
import { annotateActiveSpan } from '@shop/telemetry';
import type { OrderToCharge } from './domain/order-to-charge';
import type { ChargeOutcome, PaymentUseCases } from './domain/payments';

/** What an OrderCreated asks to charge: the use case checks it. */
export const orderToCharge = (order: EventMessage<'orders.v1.OrderCreated'>): OrderToCharge => ({
  orderId: order.orderId,
  userId: order.userId,
  amountCents: order.totalCents,
  currency: order.currency,
  paymentMethod: order.paymentMethod,
});

/** The outcome on the span of the delivery being handled, where a person reading the trace looks for it. */
function annotateOutcome(charged: ChargeOutcome): void {
  annotateActiveSpan({
    'app.order.id': charged.orderId,
    'app.payment.id': charged.paymentId,
    ...(charged.outcome === 'already-charged' ? {} : { 'app.payment.outcome': charged.outcome }),
  });
}

/**
 * One event as a handler needs it: its id (the same on every redelivery), its type and its payload. A
 * Kafka consumer's decoded envelope is one; an in-process dispatcher needs nothing more.
 */
export type DeliveredEvent<T extends EventTypeName> = Pick<ReceivedEvent<T>, 'eventId' | 'type' | 'payload'>;

/** The events the payments module acts on; the map fits `startEventConsumer`'s `handlers` as it is. */
export interface PaymentEventHandlers {
  'orders.v1.OrderCreated': (event: DeliveredEvent<'orders.v1.OrderCreated'>) => Promise<void>;
}

/**
 * The events mapped to the use cases: OrderCreated is the only one, and it charges the order. The same
 * map serves a Kafka consumer and an in-process dispatcher; the event id is what makes a redelivery
 * charge nothing new.
 */
export function paymentEventHandlers(useCases: Pick<PaymentUseCases, 'chargeOrder'>): PaymentEventHandlers {
  return {
    'orders.v1.OrderCreated': async ({ eventId, type, payload }) => {
      annotateActiveSpan({ 'app.order.id': payload.orderId });
      annotateOutcome(await useCases.chargeOrder(orderToCharge(payload), { eventId, type }));
    },
  };
}
