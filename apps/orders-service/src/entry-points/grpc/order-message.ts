import { ordersV1 } from '@shop/contracts';
import type { Order, OrderStatus, PaymentOutcome } from '@shop/orders-module';

const STATUS: Record<OrderStatus, ordersV1.OrderStatus> = {
  PENDING: ordersV1.OrderStatus.ORDER_STATUS_PENDING,
  CONFIRMED: ordersV1.OrderStatus.ORDER_STATUS_CONFIRMED,
  CANCELLED: ordersV1.OrderStatus.ORDER_STATUS_CANCELLED,
};

const OUTCOME: Record<PaymentOutcome, ordersV1.PaymentOutcome> = {
  SUCCEEDED: ordersV1.PaymentOutcome.PAYMENT_OUTCOME_SUCCEEDED,
  FAILED: ordersV1.PaymentOutcome.PAYMENT_OUTCOME_FAILED,
};

/** An order as the contract shows it: no nulls (proto3 says "unset" with empty values). */
export function toOrderMessage(order: Order): ordersV1.Order {
  return {
    id: order.id,
    userId: order.userId,
    status: STATUS[order.status],
    items: order.items.map(({ sku, quantity, unitPriceCents }) => ({ sku, quantity, unitPriceCents })),
    totalCents: order.totalCents,
    currency: order.currency,
    paymentMethod: order.paymentMethod,
    cancellationReason: order.cancellationReason ?? '',
    payment: order.payment
      ? {
          paymentId: order.payment.paymentId,
          outcome: OUTCOME[order.payment.outcome],
          declineCode: order.payment.declineCode ?? '',
        }
      : undefined,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}
