/**
 * A checkout driven through the public API, remembering what is needed to find its trace afterwards,
 * and the environment that points the apps' telemetry at a receiver. Shared by the tracing end-to-end
 * tests and `tools/tracing/capture-checkout.ts`, so the guide shows the trace the test asserts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Order, ShopClient } from './shop-client';
import type { TraceSpan } from '@shop/trace-tree';

/** The apps export OTLP/JSON to `endpoint` quickly, and Kafka hands over messages without delay. */
export function tracingEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    LOG_LEVEL: 'info',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '200',
    OTEL_METRIC_EXPORT_INTERVAL: '1000',
    // Logs go over OTLP too, as under compose (where the collector passes them on to Loki).
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_BLRP_SCHEDULE_DELAY: '200',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    KAFKA_HEARTBEAT_INTERVAL_MS: '500',
    KAFKA_FETCH_MAX_WAIT_MS: '100',
    // Consumers continue the producer's trace (the default, said explicitly: the trace shape depends on it).
    KAFKA_CONSUMER_TRACE_CONTEXT: 'parent',
    CARD_NETWORK_LATENCY_MS: '5',
    CARD_NETWORK_JITTER_MS: '5',
  };
}

export interface Checkout {
  customer: { id: string; email: string; token: string };
  orderId: string;
  /** The order as it settled: CONFIRMED or CANCELLED. */
  order: Order;
  /** The POST's `x-trace-id` and `traceresponse` headers, as the gateway answered them. */
  traceIdHeader: string | null;
  traceResponseHeader: string | null;
  /** Wall-clock window of the POST /v1/orders, in Unix nanoseconds: finds its trace without the header. */
  sentAtNano: bigint;
  answeredAtNano: bigint;
}

export interface CheckoutOptions {
  email: string;
  paymentMethod: string;
  /** Resolves once the customer's mail about this order arrived (the saga's last hop). */
  waitForMail: (email: string, orderId: string) => Promise<void>;
  settleTimeoutMs?: number;
}

const nowNano = () => BigInt(Date.now()) * 1_000_000n;

/** Register, log in, order, follow the order's stream until the saga settled it, wait for the mail. */
export async function checkout(shop: ShopClient, options: CheckoutOptions): Promise<Checkout> {
  const customer = await shop.signUp(options.email);
  const sentAtNano = nowNano();
  const placed = await shop.placeOrder(customer.token, options.paymentMethod);
  const answeredAtNano = nowNano();
  if (placed.status !== 202)
    throw new Error(`order refused: ${placed.status} ${JSON.stringify(placed.body)}`);
  const orderId = placed.body.id;
  // Watched as a customer's page would, over the order's live stream: the gateway pushes the outcome.
  const watch = await shop.watchOrder(customer.token, orderId);
  if (watch.status !== 200) throw new Error(`order ${orderId} cannot be watched: ${watch.status}`);
  const giveUp = setTimeout(watch.stop, options.settleTimeoutMs ?? 60_000);
  let order = placed.body;
  try {
    for await (const event of watch.events) order = event.order;
  } catch (error) {
    throw new Error(`order ${orderId} did not settle`, { cause: error });
  } finally {
    clearTimeout(giveUp);
  }
  if (order.status === 'PENDING') throw new Error(`order ${orderId} is still PENDING`);
  await options.waitForMail(customer.email, orderId);
  return {
    customer,
    orderId,
    order,
    traceIdHeader: placed.headers.get('x-trace-id'),
    traceResponseHeader: placed.headers.get('traceresponse'),
    sentAtNano,
    answeredAtNano,
  };
}

/** Resolves once no span has arrived for `quietMs`: every exporter has flushed what the work produced. */
export async function untilSpansStopArriving(
  spans: readonly unknown[],
  quietMs = 2_000,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let count = spans.length;
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`spans still arriving after ${timeoutMs} ms`);
    await sleep(100);
    if (spans.length !== count) {
      count = spans.length;
      since = Date.now();
    }
  }
}

/**
 * The trace of a checkout found from the spans alone (so the response headers can be checked against
 * it): the trace whose spans carry the order's id, else the one whose gateway `POST /v1/orders` span
 * started while the request was in flight.
 */
export function findCheckoutTrace(spans: readonly TraceSpan[], placed: Checkout): string | undefined {
  const tagged = spans.find((span) => span.attributes['app.order.id'] === placed.orderId);
  if (tagged) return tagged.traceId;
  // A millisecond of slack either side: the client's clock reads whole milliseconds.
  const from = placed.sentAtNano - 1_000_000n;
  const to = placed.answeredAtNano + 1_000_000n;
  return spans.find(
    (span) =>
      span.service === 'gateway' &&
      span.kind === 2 &&
      span.name === 'POST /v1/orders' &&
      BigInt(span.startTimeUnixNano) >= from &&
      BigInt(span.startTimeUnixNano) <= to,
  )?.traceId;
}
