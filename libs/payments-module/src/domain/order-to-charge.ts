import { uuidProblem } from '@shop/domain-helpers';
import { invalidArgument, type ErrorDetail } from '@shop/errors';

/** What placing an order asks payments to charge. */
export interface OrderToCharge {
  orderId: string;
  /** Who placed the order: the only user GetPayment shows its payment to. */
  userId: string;
  amountCents: number;
  currency: string;
  /** The processor's token for the card (e.g. `pm_card_visa`). */
  paymentMethod: string;
}

const CURRENCY = /^[A-Z]{3}$/;

/**
 * The order, checked and with its ids in canonical (lower) case. An order that fails here can never be
 * charged, however often it is asked for: INVALID_ARGUMENT (an event carrying it is dead-lettered at
 * once). The payment method is not checked here: judging it is the card network's job, and its verdict
 * is a declined payment.
 */
export function checkOrderToCharge(order: OrderToCharge): OrderToCharge {
  const problems = [uuidProblem('orderId', order.orderId), uuidProblem('userId', order.userId)].filter(
    (problem): problem is ErrorDetail => problem !== undefined,
  );
  if (!Number.isSafeInteger(order.amountCents) || order.amountCents <= 0) {
    problems.push({ field: 'amountCents', message: 'must be a positive whole number of cents' });
  }
  if (!CURRENCY.test(order.currency)) {
    problems.push({ field: 'currency', message: 'must be an ISO 4217 code (three capital letters)' });
  }
  if (problems.length > 0) throw invalidArgument('The order cannot be charged', problems);
  return { ...order, orderId: order.orderId.toLowerCase(), userId: order.userId.toLowerCase() };
}
