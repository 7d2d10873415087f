import { isUuid } from '@shop/domain-helpers';
import { invalidArgument, notFound } from '@shop/errors';
import type { EventDelivery, UnitOfWork } from '@shop/messaging/ports';
import { checkOrderToCharge, type OrderToCharge } from './order-to-charge';
import type { Payment, PaymentRepository } from './payment';
import { paymentIdForOrder } from './payment-ids';
import type { ChargeResult, PaymentProvider } from './payment-provider';

/** A payment is found by exactly one of its keys. */
export type PaymentLookup = { paymentId: string } | { orderId: string };

/** What a unit of work's transaction holds for these use cases. */
export interface PaymentRepositories {
  payments: PaymentRepository;
}

export interface PaymentUseCasesDeps {
  /** Reads, outside any transaction. */
  payments: PaymentRepository;
  unitOfWork: UnitOfWork<PaymentRepositories>;
  provider: PaymentProvider;
  paymentEventsTopic: string;
}

/**
 * What charging an order came to: the card network's verdict (a decline is an outcome, not a fault),
 * or nothing new because the order had its payment already.
 */
export type ChargeOutcome = { orderId: string; paymentId: string } & (
  { outcome: 'succeeded' } | { outcome: 'declined'; declineCode: string } | { outcome: 'already-charged' }
);

const recorded = (result: ChargeResult) =>
  result.outcome === 'succeeded'
    ? {
        status: 'SUCCEEDED' as const,
        declineCode: null,
        declineMessage: null,
        providerReference: result.providerReference,
      }
    : {
        status: 'FAILED' as const,
        declineCode: result.declineCode,
        declineMessage: result.message,
        providerReference: null,
      };

export function createPaymentUseCases(deps: PaymentUseCasesDeps) {
  return {
    /**
     * Charges an order once and announces the outcome (PaymentSucceeded or PaymentFailed), however often
     * it is asked to: one payment row and one outcome event per order. `delivery` is the message that
     * asked, recorded with the payment so that its redelivery does nothing.
     */
    async chargeOrder(request: OrderToCharge, delivery: EventDelivery): Promise<ChargeOutcome> {
      const order = checkOrderToCharge(request);
      const paymentId = paymentIdForOrder(order.orderId);
      const ids = { orderId: order.orderId, paymentId };
      if (await deps.payments.findByOrderId(order.orderId)) return { ...ids, outcome: 'already-charged' };

      // The charge happens before, and outside, the transaction that records it: a call to the card
      // network must not hold a database connection (and its locks) for a whole network round trip.
      // That is safe because the charge is idempotent: its key is the payment id, derived from the order
      // id, so when anything fails between the charge and the commit (a crash, a rollback, a redelivery
      // racing this one), the next attempt gets the first charge's answer instead of charging again.
      const result = await deps.provider.charge({
        idempotencyKey: paymentId,
        orderId: order.orderId,
        amountCents: order.amountCents,
        currency: order.currency,
        paymentMethod: order.paymentMethod,
      });

      await deps.unitOfWork.runOnce(delivery, async ({ repositories, publish }) => {
        const payment = await repositories.payments.insertIfAbsent({
          id: paymentId,
          ...order,
          ...recorded(result),
        });
        // Absent: a concurrent delivery recorded the payment first, and announced it.
        if (payment) publish(outcomeEvent(deps.paymentEventsTopic, payment));
      });
      return result.outcome === 'succeeded'
        ? { ...ids, outcome: 'succeeded' }
        : { ...ids, outcome: 'declined', declineCode: result.declineCode };
    },

    /** One of `userId`'s payments; another user's is NOT_FOUND, as an unknown one is. */
    async getPayment(lookup: PaymentLookup | undefined, userId: string): Promise<Payment> {
      if (!lookup) {
        throw invalidArgument('Set payment_id or order_id', [
          { field: 'lookup', message: 'must set payment_id or order_id' },
        ]);
      }
      if ('paymentId' in lookup) {
        if (!isUuid(lookup.paymentId)) {
          throw invalidArgument('payment_id must be a UUID', [
            { field: 'payment_id', message: 'must be a UUID' },
          ]);
        }
        const payment = await deps.payments.findById(lookup.paymentId);
        if (!payment || payment.userId !== userId) throw notFound(`Payment ${lookup.paymentId} not found`);
        return payment;
      }
      if (!isUuid(lookup.orderId)) {
        throw invalidArgument('order_id must be a UUID', [{ field: 'order_id', message: 'must be a UUID' }]);
      }
      const payment = await deps.payments.findByOrderId(lookup.orderId);
      if (!payment || payment.userId !== userId) throw notFound(`No payment for order ${lookup.orderId}`);
      return payment;
    },
  };
}

/** The event that announces a recorded payment's outcome. */
function outcomeEvent(topic: string, payment: Payment) {
  const common = { topic, aggregateId: payment.id, occurredAt: payment.createdAt };
  const announced = {
    paymentId: payment.id,
    orderId: payment.orderId,
    amountCents: payment.amountCents,
    currency: payment.currency,
  };
  return payment.status === 'SUCCEEDED'
    ? {
        ...common,
        type: 'payments.v1.PaymentSucceeded' as const,
        payload: { ...announced, succeededAt: payment.createdAt },
      }
    : {
        ...common,
        type: 'payments.v1.PaymentFailed' as const,
        payload: {
          ...announced,
          declineCode: payment.declineCode ?? '',
          reason: payment.declineMessage ?? '',
          failedAt: payment.createdAt,
        },
      };
}

export type PaymentUseCases = ReturnType<typeof createPaymentUseCases>;
