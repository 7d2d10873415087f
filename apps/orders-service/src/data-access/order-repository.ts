import type { Pool, PoolClient } from '@shop/db';
import { markFault, type FaultFlags } from '@shop/fault-flags';
import type { OrderCursor } from '../domain/order-cursor';
import type { OrderItem } from '../domain/order-rules';

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED';
export type PaymentOutcome = 'SUCCEEDED' | 'FAILED';

export interface OrderPayment {
  paymentId: string;
  outcome: PaymentOutcome;
  declineCode: string | null;
}

export interface OrderRecord {
  id: string;
  userId: string;
  status: OrderStatus;
  items: OrderItem[];
  totalCents: number;
  currency: string;
  paymentMethod: string;
  customerEmail: string;
  customerName: string;
  cancellationReason: string | null;
  /** Set once the payment outcome is known. */
  payment: OrderPayment | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewOrder = Pick<
  OrderRecord,
  | 'id'
  | 'userId'
  | 'items'
  | 'totalCents'
  | 'currency'
  | 'paymentMethod'
  | 'customerEmail'
  | 'customerName'
  | 'idempotencyKey'
  | 'requestHash'
>;

interface OrderRow {
  id: string;
  user_id: string;
  status: OrderStatus;
  items: OrderItem[];
  total_cents: string;
  currency: string;
  payment_method: string;
  customer_email: string;
  customer_name: string;
  cancellation_reason: string | null;
  payment_id: string | null;
  payment_outcome: PaymentOutcome | null;
  decline_code: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, user_id, status, items, total_cents, currency, payment_method, customer_email,
  customer_name, cancellation_reason, payment_id, payment_outcome, decline_code, idempotency_key,
  request_hash, created_at, updated_at`;

const toRecord = (row: OrderRow): OrderRecord => ({
  id: row.id,
  userId: row.user_id,
  status: row.status,
  items: row.items,
  // bigint arrives as a string; totals are bounded far below 2^53 (see order-rules.ts).
  totalCents: Number(row.total_cents),
  currency: row.currency,
  paymentMethod: row.payment_method,
  customerEmail: row.customer_email,
  customerName: row.customer_name,
  cancellationReason: row.cancellation_reason,
  payment:
    row.payment_id && row.payment_outcome
      ? { paymentId: row.payment_id, outcome: row.payment_outcome, declineCode: row.decline_code }
      : null,
  idempotencyKey: row.idempotency_key,
  requestHash: row.request_hash,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface OrderRepositoryOptions {
  /** Faults injected on purpose (`npm run flags`), here at the database where real slow queries happen. */
  faults?: Pick<FaultFlags, 'ordersSlowQueryMs'>;
}

/**
 * The orders-slow-query-ms fault, for a read query that takes the wait as its parameter `$param` (its
 * next free one): a condition on no column, which Postgres checks once before it scans (a one-time
 * filter), so the query itself waits in the database and its span shows a slow query. Empty while the
 * fault is off.
 */
async function injectedWait(
  options: OrderRepositoryOptions,
  param: number,
): Promise<{ sql: string; params: number[] }> {
  const ms = (await options.faults?.ordersSlowQueryMs()) ?? 0;
  if (ms <= 0) return { sql: '', params: [] };
  markFault('orders-slow-query-ms', { 'app.fault.latency_ms': ms });
  return { sql: `AND (SELECT pg_sleep($${param}::float8 / 1000)) IS NOT NULL`, params: [ms] };
}

export function createOrderRepository(pool: Pool, options: OrderRepositoryOptions = {}) {
  return {
    /**
     * Inside the caller's transaction, so the order and its OrderCreated event commit together. Resolves
     * undefined when the user's idempotency key is already taken: the concurrent request that took it
     * has committed by then (the insert waits for it), so the caller can read that order instead.
     */
    async insert(client: PoolClient, order: NewOrder): Promise<OrderRecord | undefined> {
      const { rows } = await client.query<OrderRow>(
        `INSERT INTO orders (id, user_id, status, items, total_cents, currency, payment_method,
           customer_email, customer_name, idempotency_key, request_hash)
         VALUES ($1, $2, 'PENDING', $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING ${COLUMNS}`,
        [
          order.id,
          order.userId,
          JSON.stringify(order.items),
          order.totalCents,
          order.currency,
          order.paymentMethod,
          order.customerEmail,
          order.customerName,
          order.idempotencyKey,
          order.requestHash,
        ],
      );
      return rows[0] && toRecord(rows[0]);
    },

    async findByIdempotencyKey(userId: string, idempotencyKey: string): Promise<OrderRecord | undefined> {
      const { rows } = await pool.query<OrderRow>(
        `SELECT ${COLUMNS} FROM orders WHERE user_id = $1 AND idempotency_key = $2`,
        [userId, idempotencyKey],
      );
      return rows[0] && toRecord(rows[0]);
    },

    /** The order only when it belongs to the user: other users' orders do not exist for them. */
    async findForUser(id: string, userId: string): Promise<OrderRecord | undefined> {
      const wait = await injectedWait(options, 3);
      const { rows } = await pool.query<OrderRow>(
        `SELECT ${COLUMNS} FROM orders WHERE id = $1 AND user_id = $2 ${wait.sql}`,
        [id, userId, ...wait.params],
      );
      return rows[0] && toRecord(rows[0]);
    },

    /** Newest first, starting after `after` (the last order of the previous page). */
    async listForUser(userId: string, limit: number, after: OrderCursor | undefined): Promise<OrderRecord[]> {
      const wait = await injectedWait(options, 5);
      const { rows } = await pool.query<OrderRow>(
        `SELECT ${COLUMNS} FROM orders
         WHERE user_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
           ${wait.sql}
         ORDER BY created_at DESC, id DESC
         LIMIT $4`,
        [userId, after?.createdAt ?? null, after?.id ?? null, limit, ...wait.params],
      );
      return rows.map(toRecord);
    },

    async findById(client: PoolClient, id: string): Promise<OrderRecord | undefined> {
      const { rows } = await client.query<OrderRow>(`SELECT ${COLUMNS} FROM orders WHERE id = $1`, [id]);
      return rows[0] && toRecord(rows[0]);
    },

    /**
     * Records a payment outcome and moves the order to its final status, only while it is PENDING:
     * resolves undefined when the order is unknown or already final, and then changes nothing.
     */
    async settlePending(
      client: PoolClient,
      id: string,
      outcome: {
        status: Exclude<OrderStatus, 'PENDING'>;
        payment: OrderPayment;
        cancellationReason: string | null;
      },
    ): Promise<OrderRecord | undefined> {
      const { rows } = await client.query<OrderRow>(
        `UPDATE orders
         SET status = $2, payment_id = $3, payment_outcome = $4, decline_code = $5,
             cancellation_reason = $6, updated_at = now()
         WHERE id = $1 AND status = 'PENDING'
         RETURNING ${COLUMNS}`,
        [
          id,
          outcome.status,
          outcome.payment.paymentId,
          outcome.payment.outcome,
          outcome.payment.declineCode,
          outcome.cancellationReason,
        ],
      );
      return rows[0] && toRecord(rows[0]);
    },
  };
}

export type OrderRepository = ReturnType<typeof createOrderRepository>;
