import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { ShopApiSettings } from '../settings';
import { openOrderStream, type OrderStream } from '../order-events/order-status-stream';
import type { OrderStatusHub } from '../order-events/order-status-hub';
import { callerOf, type Authenticate } from '../plugins/auth';
import { bearerSecurity } from '../plugins/openapi';
import type { OrdersPort } from '../ports';
import { errorResponses } from '../schemas/errors';
import { OrderEventStreamResponse } from '../schemas/order-events';
import { OrderIdParamsSchema } from '../schemas/orders';

export interface OrderEventRoutesOptions {
  orders: OrdersPort;
  authenticate: Authenticate;
  /** Where the order events this replica hears arrive. */
  hub: OrderStatusHub;
  config: Pick<ShopApiSettings, 'ORDER_EVENTS_RECHECK_MS' | 'ORDER_EVENTS_HEARTBEAT_MS'>;
}

export const orderEventRoutes: FastifyPluginCallbackTypebox<OrderEventRoutesOptions> = (
  app,
  { orders, authenticate, hub, config },
  done,
) => {
  const open = new Set<OrderStream>();
  // A graceful stop waits for every response to finish: open streams end first, so it never hangs on them.
  app.addHook('preClose', (closed) => {
    for (const stream of open) stream.close();
    closed();
  });

  app.get(
    '/v1/orders/:id/events',
    {
      onRequest: authenticate,
      schema: {
        tags: ['orders'],
        summary: 'Follow one of my orders live',
        description:
          'The order’s status as Server-Sent Events: the order as it is first, then again on each change, ' +
          'until it is CONFIRMED or CANCELLED, when the stream ends. Authorised like ' +
          '`GET /v1/orders/{id}` (another user’s order or an unknown id is a 404 before any event). ' +
          'Browsers’ `EventSource` cannot send the `Authorization` header: read the stream with `fetch`.',
        security: bearerSecurity,
        params: OrderIdParamsSchema,
        response: { 200: OrderEventStreamResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const orderId = request.params.id;
      const caller = callerOf(request);
      const stream = await openOrderStream({
        orderId,
        hub,
        readOrder: () => orders.getOrder(caller, orderId),
        recheckMs: config.ORDER_EVENTS_RECHECK_MS,
        heartbeatMs: config.ORDER_EVENTS_HEARTBEAT_MS,
        logger: request.log,
      });
      open.add(stream);
      stream.body.once('close', () => open.delete(stream));
      return (
        reply
          .code(200)
          .type('text/event-stream')
          .header('Cache-Control', 'no-cache')
          // nginx would otherwise buffer the events.
          .header('X-Accel-Buffering', 'no')
          .send(stream.body)
      );
    },
  );

  done();
};
