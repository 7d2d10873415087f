import { uuidProblem } from '@shop/domain-helpers';
import { invalidArgument, notFound, type ErrorDetail } from '@shop/errors';
import type { EventDelivery, OutgoingEvent, UnitOfWork } from '@shop/messaging/ports';
import { toOrder, type Order, type Settlement, type StoredOrder } from './order';
import type { OrderRepositories } from './ports';

export interface SucceededPayment {
  orderId: string;
  paymentId: string;
  amountCents: number;
}

export interface FailedPayment {
  orderId: string;
  paymentId: string;
  /** Empty when the payment failed without a decline (e.g. the card network erred). */
  declineCode: string;
  /** The payment side's explanation, meant for people. */
  reason: string;
}

export interface PaymentOutcomeDeps {
  unitOfWork: UnitOfWork<OrderRepositories>;
  orderEventsTopic: string;
}

/**
 * What a payment outcome did to its order: settled it (CONFIRMED or CANCELLED, and announced), found
 * it settled already (nothing changes, nothing is announced), or found the delivery handled before.
 */
export type SettlementResult =
  | {
      result: 'settled';
      order: Order;
      /** Set when a payment confirmed an order for another amount than its total. */
      chargedOtherAmountCents?: number;
    }
  | { result: 'already-final'; order: Order }
  | { result: 'duplicate'; orderId: string };

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

/** The event that announces a settled order: OrderConfirmed or OrderCancelled, for its customer too. */
function settledEvent(topic: string, order: StoredOrder, declineCode: string): OutgoingEvent {
  const common = { topic, aggregateId: order.id };
  const about = {
    orderId: order.id,
    userId: order.userId,
    totalCents: order.totalCents,
    currency: order.currency,
    customerEmail: order.customerEmail,
    customerName: order.customerName,
  };
  if (order.status === 'CONFIRMED') {
    return {
      ...common,
      type: 'orders.v1.OrderConfirmed',
      payload: { ...about, paymentId: order.payment?.paymentId ?? '', confirmedAt: order.updatedAt },
    } satisfies OutgoingEvent<'orders.v1.OrderConfirmed'>;
  }
  return {
    ...common,
    type: 'orders.v1.OrderCancelled',
    payload: { ...about, reason: order.cancellationReason ?? '', declineCode, cancelledAt: order.updatedAt },
  } satisfies OutgoingEvent<'orders.v1.OrderCancelled'>;
}

/**
 * The order saga's second half: the payment outcome settles a PENDING order as CONFIRMED, or CANCELLED
 * (the compensation: nothing was charged, the order will not be fulfilled), and announces it. Each
 * delivery applies at most once (the unit of work's runOnce), and only a PENDING order moves, so a late
 * or repeated outcome for a settled order changes nothing and announces nothing.
 */
export function createPaymentOutcomes(deps: PaymentOutcomeDeps) {
  async function settle(
    delivery: EventDelivery,
    orderId: string,
    settlement: Settlement,
    declineCode: string,
  ): Promise<SettlementResult> {
    // Set by the work, which runs only when the delivery is new.
    const seen: { outcome?: SettlementResult } = {};
    const handled = await deps.unitOfWork.runOnce(delivery, async ({ repositories, publish }) => {
      const settled = await repositories.orders.settlePending(orderId, settlement);
      if (settled) {
        publish(settledEvent(deps.orderEventsTopic, settled, declineCode));
        seen.outcome = { result: 'settled', order: toOrder(settled) };
        return;
      }
      const order = await repositories.orders.findById(orderId);
      // Rolls the delivery back, so the consumer retries and then dead-letters it: it blocks nothing.
      if (!order) throw notFound(`Order ${orderId} not found`);
      seen.outcome = { result: 'already-final', order: toOrder(order) };
    });
    return handled === 'handled' && seen.outcome ? seen.outcome : { result: 'duplicate', orderId };
  }

  return {
    /** Confirms the order the payment was for, unless it is settled already. */
    async paymentSucceeded(payment: SucceededPayment, delivery: EventDelivery): Promise<SettlementResult> {
      assertIds(payment);
      const outcome = await settle(
        delivery,
        payment.orderId,
        {
          status: 'CONFIRMED',
          payment: { paymentId: payment.paymentId, outcome: 'SUCCEEDED', declineCode: null },
          cancellationReason: null,
        },
        '',
      );
      if (outcome.result === 'settled' && outcome.order.totalCents !== payment.amountCents) {
        return { ...outcome, chargedOtherAmountCents: payment.amountCents };
      }
      return outcome;
    },

    /** Cancels the order the payment was for, saying why, unless it is settled already. */
    async paymentFailed(payment: FailedPayment, delivery: EventDelivery): Promise<SettlementResult> {
      assertIds(payment);
      return settle(
        delivery,
        payment.orderId,
        {
          status: 'CANCELLED',
          payment: {
            paymentId: payment.paymentId,
            outcome: 'FAILED',
            declineCode: payment.declineCode || null,
          },
          cancellationReason: cancellationReason(payment),
        },
        payment.declineCode,
      );
    },
  };
}

export type PaymentOutcomes = ReturnType<typeof createPaymentOutcomes>;
