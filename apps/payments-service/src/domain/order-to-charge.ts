import type { EventMessage } from '@shop/contracts';
import { invalidArgument, type ErrorDetail } from '@shop/errors';
import { isUuid } from './payment-ids';

export interface OrderToCharge {
  orderId: string;
  /** Who placed the order: the only user GetPayment shows its payment to. */
  userId: string;
  amountCents: number;
  currency: string;
  paymentMethod: string;
}

const CURRENCY = /^[A-Z]{3}$/;

/**
 * What an OrderCreated asks to charge, checked. An event that fails here can never be charged, however
 * often it is retried: INVALID_ARGUMENT sends it straight to the dead-letter topic. The payment method is
 * not checked here: judging it is the card network's job, and its verdict is a declined payment.
 */
export function orderToCharge(order: EventMessage<'orders.v1.OrderCreated'>): OrderToCharge {
  const problems: ErrorDetail[] = [];
  if (!isUuid(order.orderId)) problems.push({ field: 'order_id', message: 'must be a UUID' });
  if (!isUuid(order.userId)) problems.push({ field: 'user_id', message: 'must be a UUID' });
  if (!Number.isSafeInteger(order.totalCents) || order.totalCents <= 0) {
    problems.push({ field: 'total_cents', message: 'must be a positive whole number of cents' });
  }
  if (!CURRENCY.test(order.currency)) {
    problems.push({ field: 'currency', message: 'must be an ISO 4217 code (three capital letters)' });
  }
  if (problems.length > 0) throw invalidArgument('The order cannot be charged', problems);
  return {
    orderId: order.orderId.toLowerCase(),
    userId: order.userId.toLowerCase(),
    amountCents: order.totalCents,
    currency: order.currency,
    paymentMethod: order.paymentMethod,
  };
}
