import type { Order, OrderRequest, OrderUseCases } from '@shop/orders-module';
import type { Caller, OrdersPort, OrderView, PlaceOrderInput } from '@shop/shop-api';
import { annotateActiveSpan } from '@shop/telemetry';
import { inModule } from './module-span';

/** The order the API was asked to place, as the module's use case takes it: for the caller. */
export function toOrderRequest(caller: Caller, input: PlaceOrderInput): OrderRequest {
  return {
    userId: caller.userId,
    items: input.items.map(({ sku, quantity, unitPriceCents }) => ({
      sku,
      quantity,
      expectedUnitPriceCents: unitPriceCents,
    })),
    // The use case's "none sent" is the empty string.
    currency: input.currency ?? '',
    paymentMethod: input.paymentMethod,
    idempotencyKey: input.idempotencyKey ?? '',
  };
}

/** The public form of an order: without its owner and customer details, absent fields left out, ISO times. */
export function toOrderView(order: Order): OrderView {
  const { payment } = order;
  return {
    id: order.id,
    status: order.status,
    items: order.items.map(({ sku, quantity, unitPriceCents }) => ({ sku, quantity, unitPriceCents })),
    totalCents: order.totalCents,
    currency: order.currency,
    paymentMethod: order.paymentMethod,
    ...(order.cancellationReason ? { cancellationReason: order.cancellationReason } : {}),
    ...(payment
      ? {
          payment: {
            id: payment.paymentId,
            outcome: payment.outcome,
            ...(payment.declineCode ? { declineCode: payment.declineCode } : {}),
          },
        }
      : {}),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

/** The API's orders port over the orders module in process, acting for the verified caller's id. */
export function inProcessOrders(orders: OrderUseCases): OrdersPort {
  return {
    placeOrder: (caller, input) =>
      inModule('orders', 'placeOrder', async () => {
        const { order, replayed } = await orders.createOrder(toOrderRequest(caller, input));
        annotateActiveSpan({ 'app.order.id': order.id, 'app.user.id': order.userId });
        return { order: toOrderView(order), replayed };
      }),
    getOrder: (caller, orderId) =>
      inModule('orders', 'getOrder', async () => toOrderView(await orders.getOrder(orderId, caller.userId)), {
        'app.order.id': orderId,
        'app.user.id': caller.userId,
      }),
    listOrders: (caller, { limit, cursor }) =>
      inModule(
        'orders',
        'listOrders',
        async () => {
          // The use case reads 0 and '' as the default page size and the first page.
          const page = await orders.listOrders({
            userId: caller.userId,
            limit: limit ?? 0,
            cursor: cursor ?? '',
          });
          return { items: page.orders.map(toOrderView), nextCursor: page.nextCursor ?? null };
        },
        { 'app.user.id': caller.userId },
      ),
  };
}
