import type { Pool, PoolClient } from '@shop/db';
import { invalidArgument, notFound, type ErrorDetail } from '@shop/errors';
import type { Logger } from '@shop/logger';
import { appendToOutbox, handleOnce } from '@shop/messaging';
import type { OrderPayment, OrderRecord, OrderRepository } from '../data-access/order-repository';
import { uuidProblem } from './order-rules';
import { annotateActiveSpan } from '@shop/telemetry';

/** The delivery of an event, as far as deduplication needs it. */
export interface EventDelivery {
  eventId: string;
  type: string;
}

export interface SucceededPayment {
  orderId: string;
  paymentId: string;
  amountCents: number;
}

export interface FailedPayment {
  orderId: string;
  paymentId: string;
  declineCode: string;
  /** The payment service's explanation, meant for people. */
  reason: string;
}

export interface PaymentOutcomeDeps {
  pool: Pool;
  orders: OrderRepository;
  orderEventsTopic: string;
  eventsWritten: () => void;
  logger: Logger;
}

const MAX_REASON_LENGTH = 500;

/** The cancellation reason an order shows its owner, e.g. "Payment declined: Your card was declined." */
export function cancellationReason(payment: Pick<FailedPayment, 'declineCode' | 'reason'>): string {
  const explanation = payment.reason.trim() || 'The payment could not be completed.';
  const reason = `${payment.declineCode ? 'Payment declined' : 'Payment failed'}: ${explanation}`;
  return reason.slice(0, MAX_REASON_LENGTH);
}

/** An event naming no order or payment can never be applied: INVALID_ARGUMENT dead-letters it at once. */
function assertIds(payment: { orderId: string; paymentId: string }): void {
  const problems = [
    uuidProblem('orderId', payment.orderId),
    uuidProblem('paymentId', payment.paymentId),
  ].filter((problem): problem is ErrorDetail => problem !== undefined);
  if (problems.length > 0)
    throw invalidArgument('The payment event names no valid order or payment', problems);
}

/**
 * The order saga's second half: the payment outcome settles a PENDING order as CONFIRMED, or CANCELLED
 * (the compensation: nothing was charged, the order will not be fulfilled), and announces it. Each
 * event applies at most once (handleOnce), and only a PENDING order moves, so a late or repeated
 * outcome for a settled order changes nothing and announces nothing.
 */
export function createPaymentOutcomes(deps: PaymentOutcomeDeps) {
  const logger = deps.logger.child({ component: 'payment-outcomes' });

  /** Runs `settle` once per event; `settle` resolves undefined when the order was not PENDING. */
  async function apply(
    delivery: EventDelivery,
    orderId: string,
    settle: (client: PoolClient) => Promise<OrderRecord | undefined>,
  ): Promise<void> {
    annotateActiveSpan({ 'app.order.id': orderId });
    let announced = false;
    const result = await handleOnce(deps.pool, delivery, async (client) => {
      const settled = await settle(client);
      if (settled) {
        announced = true;
        return;
      }
      const order = await deps.orders.findById(client, orderId);
      // Rolls the delivery back, so the consumer retries and then dead-letters it: it blocks nothing.
      if (!order) throw notFound(`Order ${orderId} not found`);
      logger.info(
        { orderId, status: order.status, eventId: delivery.eventId, eventType: delivery.type },
        'payment outcome for an order that is no longer pending; nothing changes',
      );
    });
    if (result === 'duplicate') {
      logger.info({ orderId, eventId: delivery.eventId }, 'payment event already handled');
    }
    if (announced) deps.eventsWritten();
  }

  return {
    async paymentSucceeded(delivery: EventDelivery, payment: SucceededPayment): Promise<void> {
      assertIds(payment);
      const outcome: OrderPayment = { paymentId: payment.paymentId, outcome: 'SUCCEEDED', declineCode: null };
      await apply(delivery, payment.orderId, async (client) => {
        const order = await deps.orders.settlePending(client, payment.orderId, {
          status: 'CONFIRMED',
          payment: outcome,
          cancellationReason: null,
        });
        if (!order) return undefined;
        if (order.totalCents !== payment.amountCents) {
          logger.warn(
            { orderId: order.id, totalCents: order.totalCents, amountCents: payment.amountCents },
            'the payment charged another amount than the order total',
          );
        }
        await appendToOutbox(client, {
          topic: deps.orderEventsTopic,
          type: 'orders.v1.OrderConfirmed',
          aggregateId: order.id,
          payload: {
            orderId: order.id,
            userId: order.userId,
            paymentId: payment.paymentId,
            totalCents: order.totalCents,
            currency: order.currency,
            customerEmail: order.customerEmail,
            customerName: order.customerName,
            confirmedAt: order.updatedAt,
          },
        });
        return order;
      });
    },

    async paymentFailed(delivery: EventDelivery, payment: FailedPayment): Promise<void> {
      assertIds(payment);
      const reason = cancellationReason(payment);
      await apply(delivery, payment.orderId, async (client) => {
        const order = await deps.orders.settlePending(client, payment.orderId, {
          status: 'CANCELLED',
          payment: {
            paymentId: payment.paymentId,
            outcome: 'FAILED',
            declineCode: payment.declineCode || null,
          },
          cancellationReason: reason,
        });
        if (!order) return undefined;
        await appendToOutbox(client, {
          topic: deps.orderEventsTopic,
          type: 'orders.v1.OrderCancelled',
          aggregateId: order.id,
          payload: {
            orderId: order.id,
            userId: order.userId,
            reason,
            declineCode: payment.declineCode,
            totalCents: order.totalCents,
            currency: order.currency,
            customerEmail: order.customerEmail,
            customerName: order.customerName,
            cancelledAt: order.updatedAt,
          },
        });
        return order;
      });
    },
  };
}

export type PaymentOutcomes = ReturnType<typeof createPaymentOutcomes>;
