import type { Logger } from '@shop/logger';
import type { EventDelivery, EventHandlers, ReceivedEvent } from '@shop/messaging';
import type { PaymentOutcomes, SettlementResult } from './domain/payment-outcomes';

/** The payment events the orders module acts on. */
export type PaymentEventType = 'payments.v1.PaymentSucceeded' | 'payments.v1.PaymentFailed';

/** One handler per payment event the module acts on; other event types are not its business. */
export type PaymentEventHandlers = {
  [T in PaymentEventType]: (event: ReceivedEvent<T>) => Promise<void>;
};

const delivery = ({ eventId, type }: EventDelivery): EventDelivery => ({ eventId, type });

/** What a person reading the logs needs to know of a settlement that changed nothing or looks wrong. */
function report(logger: Logger, event: EventDelivery, settled: SettlementResult): void {
  const about = { eventId: event.eventId, eventType: event.type };
  switch (settled.result) {
    case 'duplicate':
      logger.info({ orderId: settled.orderId, ...about }, 'payment event already handled');
      return;
    case 'already-final':
      logger.info(
        { orderId: settled.order.id, status: settled.order.status, ...about },
        'payment outcome for an order that is no longer pending; nothing changes',
      );
      return;
    case 'settled':
      if (settled.chargedOtherAmountCents !== undefined) {
        logger.warn(
          {
            orderId: settled.order.id,
            totalCents: settled.order.totalCents,
            amountCents: settled.chargedOtherAmountCents,
          },
          'the payment charged another amount than the order total',
        );
      }
  }
}

/**
 * The module's event handlers: payment outcomes, as deliveries (`{ eventId, type, payload }`) mapped to
 * the saga's plain inputs. The Kafka consumer and an in-process dispatcher share this one mapping; a
 * handler that throws leaves the delivery unhandled, for its transport to retry or dead-letter.
 */
export function paymentEventHandlers(outcomes: PaymentOutcomes, logger: Logger): PaymentEventHandlers {
  const log = logger.child({ component: 'payment-outcomes' });
  return {
    'payments.v1.PaymentSucceeded': async (event) => {
      const { orderId, paymentId, amountCents } = event.payload;
      report(
        log,
        event,
        await outcomes.paymentSucceeded({ orderId, paymentId, amountCents }, delivery(event)),
      );
    },
    'payments.v1.PaymentFailed': async (event) => {
      const { orderId, paymentId, declineCode, reason } = event.payload;
      report(
        log,
        event,
        await outcomes.paymentFailed({ orderId, paymentId, declineCode, reason }, delivery(event)),
      );
    },
  } satisfies EventHandlers;
}
