import { forUser, type AccessTokenVerifier } from '@shop/access-token';
import { ordersV1 } from '@shop/contracts';
import { grpcService, unary, type GrpcService } from '@shop/grpc';
import type { Logger } from '@shop/logger';
import type { OrderUseCases } from '@shop/orders-module';
import { annotateActiveSpan } from '@shop/telemetry';
import { toOrderMessage } from './order-message';
import { toOrderRequest } from './order-request';

/**
 * Adapts gRPC requests to the use cases; no rules live here. Every call acts for the user of the access
 * token in its metadata (UNAUTHENTICATED without a valid one); while it runs, calls to the users service
 * pass that token on (see customer-directory.ts).
 */
export function ordersGrpcService(
  useCases: OrderUseCases,
  tokens: AccessTokenVerifier,
  logger: Logger,
): GrpcService {
  return grpcService(ordersV1.OrdersServiceService, {
    createOrder: unary(
      forUser(tokens, async (request, caller) => {
        const { order, replayed } = await useCases.createOrder(toOrderRequest(caller.userId, request));
        annotateActiveSpan({ 'app.order.id': order.id, 'app.user.id': order.userId });
        return { order: toOrderMessage(order), replayed };
      }),
      logger,
    ),
    getOrder: unary(
      forUser(tokens, async ({ orderId }, caller) => {
        annotateActiveSpan({ 'app.order.id': orderId, 'app.user.id': caller.userId });
        return { order: toOrderMessage(await useCases.getOrder(orderId, caller.userId)) };
      }),
      logger,
    ),
    listOrders: unary(
      forUser(tokens, async ({ limit, cursor }, caller) => {
        const page = await useCases.listOrders({ userId: caller.userId, limit, cursor });
        return { orders: page.orders.map(toOrderMessage), nextCursor: page.nextCursor ?? '' };
      }),
      logger,
    ),
  });
}
