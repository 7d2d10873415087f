import type { Readable } from 'node:stream';
import { Type } from 'typebox';

/**
 * The body of `GET /v1/orders/{id}/events`, for the OpenAPI document: Server-Sent Events, each the order
 * in the same JSON as `GET /v1/orders/{id}`, so that a client needs one parser for both.
 */
export const OrderEventStreamSchema = Type.Unsafe<Readable>(
  // Documented as the text it is; in the handler's types, the stream that produces it.
  Type.String({
    description:
      'A `text/event-stream`. Each event is `event: status`, `id: <sequence>` (1, 2, ... within the ' +
      'stream) and `data: <Order JSON>` on one line; comment lines (`: keep-alive`) keep idle proxies ' +
      'from closing the connection. The first event is the order as it is; one follows each change of ' +
      'its status; the stream ends after the order is CONFIRMED or CANCELLED.',
    examples: [
      'event: status\nid: 1\ndata: {"id":"…","status":"PENDING",…}\n\n: keep-alive\n\n' +
        'event: status\nid: 2\ndata: {"id":"…","status":"CONFIRMED",…}\n\n',
    ],
  }),
);

export const OrderEventStreamResponse = {
  description: 'The order’s status as Server-Sent Events, until it is final.',
  content: { 'text/event-stream': { schema: OrderEventStreamSchema } },
} as const;
