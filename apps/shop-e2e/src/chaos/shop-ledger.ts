import { Client } from 'pg';
import type { ServiceName } from '@shop/stack';
import type { CapturedMail, ServerConnection } from '@shop/testing';
import { DECLINED_CARD, type Checkout, type Customer } from './checkout-stream';

/**
 * What the shop recorded, read from each service's own database and from the mails that arrived over
 * SMTP, checked against what the clients were promised: every accepted order final with the outcome
 * its card calls for, one payment per order, one mail per business event.
 */
export interface LedgerOptions {
  admin: ServerConnection;
  databases: Record<ServiceName, string>;
}

interface OrderRow {
  id: string;
  status: string;
  idempotency_key: string | null;
  settle_ms: number;
}

async function query<Row extends object>(
  options: LedgerOptions,
  service: ServiceName,
  sql: string,
): Promise<Row[]> {
  const client = new Client({ ...options.admin, database: options.databases[service] });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

export function readOrders(options: LedgerOptions): Promise<OrderRow[]> {
  return query<OrderRow>(
    options,
    'orders-service',
    `SELECT id, status, idempotency_key,
            (extract(epoch FROM updated_at - created_at) * 1000)::float8 AS settle_ms
     FROM orders`,
  );
}

/** The orders of these checkouts still PENDING: none, once the saga has settled everything. */
export async function pendingOrders(options: LedgerOptions, checkouts: readonly Checkout[]): Promise<number> {
  const accepted = new Set(checkouts.flatMap((checkout) => checkout.orderId ?? []));
  const orders = await readOrders(options);
  return orders.filter((order) => accepted.has(order.id) && order.status === 'PENDING').length;
}

export interface LedgerReport {
  /** Broken promises, each in a sentence; empty when the shop kept every one. */
  violations: string[];
  confirmed: number;
  cancelled: number;
  slowestSettleMs: number;
  /** Copies of a mail already delivered, same Message-ID (at-least-once delivery, see email-service). */
  duplicateMails: number;
}

const distinctIds = (mails: readonly CapturedMail[]) => new Set(mails.map((mail) => mail.messageId));

export async function checkLedger(
  options: LedgerOptions,
  checkouts: readonly Checkout[],
  customers: readonly Customer[],
  mails: readonly CapturedMail[],
): Promise<LedgerReport> {
  const violations: string[] = [];
  const orders = new Map((await readOrders(options)).map((order) => [order.id, order]));
  const payments = await query<{ order_id: string; status: string }>(
    options,
    'payments-service',
    'SELECT order_id, status FROM payments',
  );
  const paymentsByOrder = new Map<string, string[]>();
  for (const payment of payments) {
    paymentsByOrder.set(payment.order_id, [...(paymentsByOrder.get(payment.order_id) ?? []), payment.status]);
  }

  // An order the clients never heard of (a POST whose answer was lost, then given up) is still one the
  // shop must settle; an idempotency key must never have placed two.
  const keys = new Map<string, number>();
  for (const order of orders.values()) {
    if (order.idempotency_key) keys.set(order.idempotency_key, (keys.get(order.idempotency_key) ?? 0) + 1);
  }
  for (const [key, count] of keys)
    if (count > 1) violations.push(`idempotency key ${key} placed ${count} orders`);

  let confirmed = 0;
  let cancelled = 0;
  for (const checkout of checkouts) {
    if (!checkout.orderId) {
      violations.push(`checkout ${checkout.idempotencyKey} was never accepted`);
      continue;
    }
    const order = orders.get(checkout.orderId);
    const expected = checkout.card === DECLINED_CARD ? 'CANCELLED' : 'CONFIRMED';
    if (order?.status !== expected) {
      violations.push(`order ${checkout.orderId} is ${order?.status ?? 'missing'}, not ${expected}`);
    }
    if (order?.status === 'CONFIRMED') confirmed++;
    if (order?.status === 'CANCELLED') cancelled++;
    const charged = paymentsByOrder.get(checkout.orderId) ?? [];
    if (charged.length !== 1) violations.push(`order ${checkout.orderId} has ${charged.length} payments`);

    const outcomeMails = mails.filter((mail) => mail.raw.includes(checkout.orderId as string));
    if (distinctIds(outcomeMails).size !== 1) {
      violations.push(`order ${checkout.orderId} was told ${distinctIds(outcomeMails).size} times`);
    }
  }
  for (const order of orders.values()) {
    if (order.status === 'PENDING') violations.push(`order ${order.id} is still PENDING`);
  }
  for (const customer of customers) {
    const welcomes = mails.filter(
      (mail) => mail.to.includes(customer.email) && /welcome/i.test(mail.subject ?? ''),
    );
    if (distinctIds(welcomes).size !== 1) {
      violations.push(`${customer.email} got ${distinctIds(welcomes).size} welcome mails`);
    }
  }

  return {
    violations,
    confirmed,
    cancelled,
    slowestSettleMs: Math.max(0, ...[...orders.values()].map((order) => order.settle_ms)),
    duplicateMails: mails.length - distinctIds(mails).size,
  };
}
