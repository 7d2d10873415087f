import { ordersV1 } from '@shop/contracts';
import type { CreateOrderBody, OrderJson } from '../schemas/orders';
import { contractViolation, required } from './contract-violation';

const { OrderStatus, PaymentOutcome } = ordersV1;

const STATUS: Partial<Record<ordersV1.OrderStatus, OrderJson['status']>> = {
  [OrderStatus.ORDER_STATUS_PENDING]: 'PENDING',
  [OrderStatus.ORDER_STATUS_CONFIRMED]: 'CONFIRMED',
  [OrderStatus.ORDER_STATUS_CANCELLED]: 'CANCELLED',
};

const OUTCOME: Partial<Record<ordersV1.PaymentOutcome, 'SUCCEEDED' | 'FAILED'>> = {
  [PaymentOutcome.PAYMENT_OUTCOME_SUCCEEDED]: 'SUCCEEDED',
  [PaymentOutcome.PAYMENT_OUTCOME_FAILED]: 'FAILED',
};

export function toCreateOrderRequest(
  body: CreateOrderBody,
  idempotencyKey: string | undefined,
): ordersV1.CreateOrderRequest {
  return {
    items: [],
    requestedItems: body.items.map(({ sku, quantity, unitPriceCents }) => ({
      sku,
      quantity,
      expectedUnitPriceCents: unitPriceCents,
    })),
    currency: body.currency ?? '',
    paymentMethod: body.paymentMethod,
    idempotencyKey: idempotencyKey ?? '',
  };
}

/** The public form of an order: enums as words, empty proto strings as absent fields, times as ISO 8601. */
export function toOrderJson(order: ordersV1.Order | undefined): OrderJson {
  const found = required(order, 'an order');
  const status = STATUS[found.status];
  if (!status) throw contractViolation(`a known order status (got ${found.status})`);
  return {
    id: found.id,
    status,
    items: found.items.map(({ sku, quantity, unitPriceCents }) => ({ sku, quantity, unitPriceCents })),
    totalCents: found.totalCents,
    currency: found.currency,
    paymentMethod: found.paymentMethod,
    ...(found.cancellationReason ? { cancellationReason: found.cancellationReason } : {}),
    ...(found.payment ? { payment: toPaymentJson(found.payment) } : {}),
    createdAt: required(found.createdAt, 'order.createdAt').toISOString(),
    updatedAt: required(found.updatedAt ?? found.createdAt, 'order.updatedAt').toISOString(),
  };
}

function toPaymentJson(payment: ordersV1.OrderPayment): NonNullable<OrderJson['payment']> {
  const outcome = OUTCOME[payment.outcome];
  if (!outcome) throw contractViolation(`a known payment outcome (got ${payment.outcome})`);
  return {
    id: payment.paymentId,
    outcome,
    ...(payment.declineCode ? { declineCode: payment.declineCode } : {}),
  };
}
