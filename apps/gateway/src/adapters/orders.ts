import { ordersV1 } from '@shop/contracts';
import { call } from '@shop/grpc';
import type { OrdersPort, OrderView, PlaceOrderInput } from '@shop/shop-api';
import { asCaller } from './caller';
import { contractViolation, required } from './contract-violation';

const { OrderStatus, PaymentOutcome } = ordersV1;

const STATUS: Partial<Record<ordersV1.OrderStatus, OrderView['status']>> = {
  [OrderStatus.ORDER_STATUS_PENDING]: 'PENDING',
  [OrderStatus.ORDER_STATUS_CONFIRMED]: 'CONFIRMED',
  [OrderStatus.ORDER_STATUS_CANCELLED]: 'CANCELLED',
};

const OUTCOME: Partial<Record<ordersV1.PaymentOutcome, 'SUCCEEDED' | 'FAILED'>> = {
  [PaymentOutcome.PAYMENT_OUTCOME_SUCCEEDED]: 'SUCCEEDED',
  [PaymentOutcome.PAYMENT_OUTCOME_FAILED]: 'FAILED',
};

export function toCreateOrderRequest(input: PlaceOrderInput): ordersV1.CreateOrderRequest {
  return {
    items: [],
    requestedItems: input.items.map(({ sku, quantity, unitPriceCents }) => ({
      sku,
      quantity,
      expectedUnitPriceCents: unitPriceCents,
    })),
    currency: input.currency ?? '',
    paymentMethod: input.paymentMethod,
    idempotencyKey: input.idempotencyKey ?? '',
  };
}

/** The public form of an order: enums as words, empty proto strings as absent fields, times as ISO 8601. */
export function toOrderJson(order: ordersV1.Order | undefined): OrderView {
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

function toPaymentJson(payment: ordersV1.OrderPayment): NonNullable<OrderView['payment']> {
  const outcome = OUTCOME[payment.outcome];
  if (!outcome) throw contractViolation(`a known payment outcome (got ${payment.outcome})`);
  return {
    id: payment.paymentId,
    outcome,
    ...(payment.declineCode ? { declineCode: payment.declineCode } : {}),
  };
}

/** The API's orders port over the orders service, which checks the caller's token itself. */
export function grpcOrders(orders: ordersV1.OrdersServiceClient): OrdersPort {
  return {
    async placeOrder(caller, input) {
      const { order, replayed } = await call(
        orders.createOrder.bind(orders),
        toCreateOrderRequest(input),
        asCaller(caller),
      );
      return { order: toOrderJson(order), replayed };
    },
    async getOrder(caller, orderId) {
      return toOrderJson((await call(orders.getOrder.bind(orders), { orderId }, asCaller(caller))).order);
    },
    async listOrders(caller, { limit, cursor }) {
      const page = await call(
        orders.listOrders.bind(orders),
        // Proto3 has no absent numbers or strings: 0 and '' mean the default page size and the first page.
        { limit: limit ?? 0, cursor: cursor ?? '' },
        asCaller(caller),
      );
      return { items: page.orders.map(toOrderJson), nextCursor: page.nextCursor || null };
    },
  };
}
