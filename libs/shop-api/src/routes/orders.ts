import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { callerOf, type Authenticate } from '../plugins/auth';
import { bearerSecurity } from '../plugins/openapi';
import { perUser, type RateLimits } from '../plugins/rate-limits';
import type { OrdersPort } from '../ports';
import { BODY_ERRORS, errorResponses } from '../schemas/errors';
import {
  AcceptedOrderSchema,
  CreateOrderBodySchema,
  CreateOrderHeadersSchema,
  ListOrdersQuerySchema,
  OrderIdParamsSchema,
  OrderPageSchema,
  OrderSchema,
} from '../schemas/orders';

export interface OrderRoutesOptions {
  orders: OrdersPort;
  authenticate: Authenticate;
  limits: RateLimits;
}

export const orderRoutes: FastifyPluginCallbackTypebox<OrderRoutesOptions> = (
  app,
  { orders, authenticate, limits },
  done,
) => {
  app.post(
    '/v1/orders',
    {
      onRequest: authenticate,
      config: perUser(limits.orders, limits.windowMs),
      schema: {
        tags: ['orders'],
        summary: 'Place an order',
        description:
          'Prices the items from the catalog (`GET /v1/products`): an unknown sku is a 400, and a ' +
          '`unitPriceCents` that is not the current price a 409 `PRICE_CHANGED` naming the new price. ' +
          'Accepts the order as PENDING (202); payment follows asynchronously, so poll the order at ' +
          '`Location`. With an `Idempotency-Key`, a retry with the same body answers 202 with the order ' +
          'placed first and `Idempotent-Replayed: true`; the same key with another body is a 422.',
        security: bearerSecurity,
        headers: CreateOrderHeadersSchema,
        body: CreateOrderBodySchema,
        response: {
          202: AcceptedOrderSchema,
          ...errorResponses(...BODY_ERRORS, 401, 409, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const idempotencyKey = request.headers['idempotency-key'];
      const { order: created, replayed } = await orders.placeOrder(callerOf(request), {
        ...request.body,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      });
      void reply.header('Location', `/v1/orders/${encodeURIComponent(created.id)}`);
      if (replayed) void reply.header('Idempotent-Replayed', 'true');
      return reply.code(202).send(created);
    },
  );

  app.get(
    '/v1/orders/:id',
    {
      onRequest: authenticate,
      schema: {
        tags: ['orders'],
        summary: 'One of my orders',
        description:
          'Another user’s order and an unknown id are both 404; an id that is not a UUID is a 400.',
        security: bearerSecurity,
        params: OrderIdParamsSchema,
        response: { 200: OrderSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => orders.getOrder(callerOf(request), request.params.id),
  );

  app.get(
    '/v1/orders',
    {
      onRequest: authenticate,
      schema: {
        tags: ['orders'],
        summary: 'My orders',
        description: 'Newest first, a page at a time; follow `nextCursor` until it is null.',
        security: bearerSecurity,
        querystring: ListOrdersQuerySchema,
        response: { 200: OrderPageSchema, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      return orders.listOrders(callerOf(request), { limit, cursor });
    },
  );

  done();
};
