import { ordersV1 } from '@shop/contracts';
import { grpcService, unary, type GrpcService } from '@shop/grpc';
import type { Logger } from '@shop/logger';
import type { OrderUseCases } from '../../domain/orders';
import { toOrderMessage } from './order-message';
import { toOrderRequest } from './order-request';

/** Adapts gRPC requests to the use cases; no rules live here. */
export function ordersGrpcService(useCases: OrderUseCases, logger: Logger): GrpcService {
  return grpcService(ordersV1.OrdersServiceService, {
    createOrder: unary(async (request) => {
      const { order, replayed } = await useCases.createOrder(toOrderRequest(request));
      return { order: toOrderMessage(order), replayed };
    }, logger),
    getOrder: unary(async ({ orderId, userId }) => {
      return { order: toOrderMessage(await useCases.getOrder(orderId, userId)) };
    }, logger),
    listOrders: unary(async (request) => {
      const page = await useCases.listOrders(request);
      return { orders: page.orders.map(toOrderMessage), nextCursor: page.nextCursor ?? '' };
    }, logger),
  });
}
