import type { Pool } from '@shop/db';
import { invalidArgument, notFound } from '@shop/errors';
import { appendToOutbox, handleOnce, type ReceivedEvent } from '@shop/messaging';
import type { PaymentRecord, PaymentRepository } from '../data-access/payment-repository';
import { orderToCharge } from './order-to-charge';
import { isUuid, paymentIdForOrder } from './payment-ids';
import type { ChargeResult, PaymentProvider } from './payment-provider';
import { SpanStatusCode } from '@opentelemetry/api';
import { annotateActiveSpan, inSpan } from '@shop/telemetry';

export type Payment = PaymentRecord;

/** A payment is found by exactly one of its keys. */
export type PaymentLookup = { paymentId: string } | { orderId: string };

export interface PaymentUseCasesDeps {
  pool: Pool;
  payments: PaymentRepository;
  provider: PaymentProvider;
  paymentEventsTopic: string;
  /** Told after a commit that wrote events, so the relay publishes them without waiting for its poll. */
  eventsWritten: () => void;
}

const outcome = (result: ChargeResult) =>
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
     * its OrderCreated is delivered: one payment row and one outcome event per order.
     */
    async chargeOrder(event: ReceivedEvent<'orders.v1.OrderCreated'>): Promise<void> {
      const order = orderToCharge(event.payload);
      const paymentId = paymentIdForOrder(order.orderId);
      annotateActiveSpan({ 'app.order.id': order.orderId, 'app.payment.id': paymentId });
      if (await deps.payments.findByOrderId(order.orderId)) return;

      // The charge happens before, and outside, the transaction that records it: a call to the card
      // network must not hold a database connection (and its locks) for a whole network round trip.
      // That is safe because the charge is idempotent: its key is the payment id, derived from the order
      // id, so when anything fails between the charge and the commit (a crash, a rollback, a redelivery
      // racing this one), the next attempt gets the first charge's answer instead of charging again.
      const result = await inSpan(
        'payment-provider charge',
        { 'app.order.id': order.orderId, 'app.payment.id': paymentId },
        async (span) => {
          const charged = await deps.provider.charge({
            idempotencyKey: paymentId,
            amountCents: order.amountCents,
            currency: order.currency,
            paymentMethod: order.paymentMethod,
          });
          span.setAttribute('app.payment.outcome', charged.outcome);
          // A decline is a business outcome, not a fault, but it is what a person looks for in a trace.
          if (charged.outcome === 'declined') {
            span.setAttribute('app.payment.decline_code', charged.declineCode);
            span.setStatus({ code: SpanStatusCode.ERROR, message: `card declined: ${charged.declineCode}` });
          }
          return charged;
        },
      );
      annotateActiveSpan({ 'app.payment.outcome': result.outcome });

      const handled = await handleOnce(deps.pool, event, async (client) => {
        const payment = await deps.payments.insertIfAbsent(client, {
          id: paymentId,
          ...order,
          ...outcome(result),
        });
        // Absent: a concurrent delivery recorded the payment first, and announced it.
        if (!payment) return;
        const common = {
          topic: deps.paymentEventsTopic,
          aggregateId: payment.id,
          occurredAt: payment.createdAt,
        };
        const announced = {
          paymentId: payment.id,
          orderId: payment.orderId,
          amountCents: payment.amountCents,
          currency: payment.currency,
        };
        if (payment.status === 'SUCCEEDED') {
          await appendToOutbox(client, {
            ...common,
            type: 'payments.v1.PaymentSucceeded',
            payload: { ...announced, succeededAt: payment.createdAt },
          });
        } else {
          await appendToOutbox(client, {
            ...common,
            type: 'payments.v1.PaymentFailed',
            payload: {
              ...announced,
              declineCode: payment.declineCode ?? '',
              reason: payment.declineMessage ?? '',
              failedAt: payment.createdAt,
            },
          });
        }
      });
      if (handled === 'handled') deps.eventsWritten();
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

export type PaymentUseCases = ReturnType<typeof createPaymentUseCases>;
