import { Server, ServerCredentials, status, type Metadata, type ServiceError } from '@grpc/grpc-js';
import { createDecoder } from 'fast-jwt';
import { ordersV1 } from '@shop/contracts';

/**
 * Answers GetOrder as orders-service's contract says, from orders the test sets: another user's order
 * and an unknown id are NOT_FOUND. The order streams read only GetOrder; the other methods answer
 * UNIMPLEMENTED. `unavailable` makes every read fail as a service that is away does.
 *
 * The caller is the `sub` of the access token the gateway forwards in the metadata; a call without one
 * is UNAUTHENTICATED. Checking the token's signature is the orders service's part (tested there); what
 * matters here is that the gateway passes on the caller's own token.
 */
export async function startOrdersStandIn() {
  const orders = new Map<string, ordersV1.Order>();
  let unavailable = false;
  let reads = 0;
  const decode = createDecoder();
  const callerOf = (metadata: Metadata): string | undefined => {
    const token = /^Bearer (.+)$/.exec(String(metadata.get('authorization')[0] ?? ''))?.[1];
    const { sub, exp } = (token ? decode(token) : {}) as { sub?: string; exp?: number };
    return exp !== undefined && exp * 1000 > Date.now() ? sub : undefined;
  };
  const server = new Server();
  server.addService(ordersV1.OrdersServiceService, {
    getOrder(
      call: { request: ordersV1.GetOrderRequest; metadata: Metadata },
      callback: (error: Partial<ServiceError> | null, response?: ordersV1.GetOrderResponse) => void,
    ) {
      reads += 1;
      if (unavailable) return callback({ code: status.UNAVAILABLE, details: 'database unavailable' });
      const caller = callerOf(call.metadata);
      if (!caller) {
        return callback({ code: status.UNAUTHENTICATED, details: 'A valid bearer token is required' });
      }
      const order = orders.get(call.request.orderId);
      if (!order || order.userId !== caller)
        return callback({ code: status.NOT_FOUND, details: `order ${call.request.orderId} not found` });
      callback(null, { order });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );

  return {
    address: `127.0.0.1:${port}`,
    /** Places (or changes) an order; `changes` are applied over a PENDING order of `userId`. */
    put(id: string, userId: string, changes: Partial<ordersV1.Order> = {}): ordersV1.Order {
      const now = new Date();
      const order = ordersV1.Order.fromPartial({
        id,
        userId,
        status: ordersV1.OrderStatus.ORDER_STATUS_PENDING,
        items: [{ sku: 'BOOK-42', quantity: 2, unitPriceCents: 1250 }],
        totalCents: 2500,
        currency: 'EUR',
        paymentMethod: 'pm_card_visa',
        cancellationReason: '',
        payment: undefined,
        createdAt: orders.get(id)?.createdAt ?? now,
        updatedAt: now,
        ...changes,
      });
      orders.set(id, order);
      return order;
    },
    setUnavailable(value: boolean) {
      unavailable = value;
    },
    reads: () => reads,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

export type OrdersStandIn = Awaited<ReturnType<typeof startOrdersStandIn>>;
