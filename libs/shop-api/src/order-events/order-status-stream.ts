import { PassThrough } from 'node:stream';
import { isAppError } from '@shop/errors';
import { inSpan } from '@shop/telemetry';
import type { FastifyBaseLogger } from 'fastify';
import type { OrderJson } from '../schemas/orders';
import type { OrderStatusChange, OrderStatusHub } from './order-status-hub';

export interface OrderStreamOptions {
  orderId: string;
  hub: OrderStatusHub;
  /**
   * The order as `GET /v1/orders/:id` shows it to the caller; throws as that route would. An
   * UNAUTHENTICATED failure (the caller's token expired meanwhile) ends the stream.
   */
  readOrder: () => Promise<OrderJson>;
  /** How often the order is read again while the stream is open, in case an event was missed. */
  recheckMs: number;
  heartbeatMs: number;
  logger: FastifyBaseLogger;
}

export interface OrderStream {
  /** The `text/event-stream` body; it ends once the order is final, or when closed. */
  body: PassThrough;
  /** Ends the stream now (the gateway is stopping); the subscription is given back. */
  close(): void;
}

export const isFinal = (status: OrderJson['status']): boolean => status !== 'PENDING';

/** One Server-Sent Event: the order as `GET /v1/orders/:id` answers it, on one `data` line. */
export const statusEvent = (sequence: number, order: OrderJson): string =>
  `event: status\nid: ${sequence}\ndata: ${JSON.stringify(order)}\n\n`;

export const KEEP_ALIVE = ': keep-alive\n\n';

/**
 * Opens the live status of one order. It subscribes to the hub before it reads the order, so that a
 * change landing between the two is heard rather than lost; then it sends the order as it is, and the
 * order again on every change of its status, until the order is final. A change is pushed by reading
 * the order (an event carries only part of it), in a `push order status` span that, started in the
 * event's processing span, belongs to the checkout's trace. The order is read again when the process's
 * listener starts hearing events again (events published before may be unheard: the gateway's start, a
 * broker outage), and a slow re-read covers an event that never came: faults delay an update, they never
 * lose it.
 *
 * Rejects, subscribed to nothing, when the first read fails: the route answers that error instead.
 */
export async function openOrderStream(options: OrderStreamOptions): Promise<OrderStream> {
  const { orderId, hub, readOrder, logger } = options;
  const early: OrderStatusChange[] = [];
  let onChange = (change: OrderStatusChange) => void early.push(change);
  // Before the first read is done, a resync needs nothing: that read is later than anything missed.
  let onResync = (): void => undefined;
  const unsubscribe = hub.subscribe(
    orderId,
    (change) => onChange(change),
    () => onResync(),
  );

  let current: OrderJson;
  try {
    current = await readOrder();
  } catch (error) {
    unsubscribe();
    throw error;
  }

  const body = new PassThrough();
  let sequence = 0;
  let closed = false;
  let timers: NodeJS.Timeout[] = [];
  const close = () => {
    if (closed) return;
    closed = true;
    for (const timer of timers) clearInterval(timer);
    timers = [];
    unsubscribe();
    body.end();
  };
  // The client went away, or Fastify gave up on the response: give the subscription back.
  body.once('close', close);

  const send = (order: OrderJson) => {
    current = order;
    body.write(statusEvent(++sequence, order));
    if (isFinal(order.status)) close();
  };
  send(current);
  if (closed) return { body, close };

  // Reads run one at a time, so events leave in the order the reads were made.
  let reads = Promise.resolve();
  const refresh = (why: string) =>
    (reads = reads.then(async () => {
      if (closed) return;
      try {
        const order = await readOrder();
        if (!closed && order.status !== current.status) send(order);
      } catch (error) {
        // The caller's access token expired while the stream was open: the order may no longer be
        // read for them. Ending the stream lets the client reconnect with a fresh token.
        if (isAppError(error) && error.code === 'UNAUTHENTICATED') {
          logger.info({ orderId }, 'order stream ended: the access token is no longer valid');
          close();
          return;
        }
        logger.warn(
          { err: error, orderId, why },
          'order stream could not read the order; trying again later',
        );
      }
    }));

  onChange = (change) => {
    if (closed || change.status === current.status) return;
    void inSpan('push order status', { 'app.order.id': orderId, 'app.order.status': change.status }, () =>
      refresh('event'),
    );
  };
  onResync = () => void refresh('resync');
  for (const change of early.splice(0)) onChange(change);
  if (closed) return { body, close };
  timers = [
    setInterval(() => void refresh('recheck'), options.recheckMs),
    setInterval(() => {
      if (!closed) body.write(KEEP_ALIVE);
    }, options.heartbeatMs),
  ];
  return { body, close };
}
