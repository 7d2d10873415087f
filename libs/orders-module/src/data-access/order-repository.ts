import type { Queryable } from '@shop/db';
import type { KeysetPosition } from '@shop/domain-helpers';
import { markFault, type FaultFlags } from '@shop/fault-flags';
import type {
  NewOrder,
  OrderLine,
  OrderRepository,
  OrderStatus,
  PaymentOutcome,
  Settlement,
  StoredOrder,
} from '../domain/order';

interface OrderRow {
  id: string;
  user_id: string;
  status: OrderStatus;
  items: OrderLine[];
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

const toStoredOrder = (row: OrderRow): StoredOrder => ({
  id: row.id,
  userId: row.user_id,
  status: row.status,
  items: row.items,
  // bigint arrives as a string; totals are bounded far below 2^53 (see the order rules).
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

/**
 * Orders in Postgres, over the pool for reads or over a unit of work's connection: there the insert and
 * the settlement commit with their events, and a concurrent insert with the same idempotency key waits
 * for the one that took it, so the loser can read the winner's order.
 */
export function createOrderRepository(db: Queryable, options: OrderRepositoryOptions = {}): OrderRepository {
  return {
    async insert(order: NewOrder): Promise<StoredOrder | undefined> {
      const { rows } = await db.query<OrderRow>(
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
      return rows[0] && toStoredOrder(rows[0]);
    },

    async findByIdempotencyKey(userId: string, idempotencyKey: string): Promise<StoredOrder | undefined> {
      const { rows } = await db.query<OrderRow>(
        `SELECT ${COLUMNS} FROM orders WHERE user_id = $1 AND idempotency_key = $2`,
        [userId, idempotencyKey],
      );
      return rows[0] && toStoredOrder(rows[0]);
    },

    async findForUser(id: string, userId: string): Promise<StoredOrder | undefined> {
      const wait = await injectedWait(options, 3);
      const { rows } = await db.query<OrderRow>(
        `SELECT ${COLUMNS} FROM orders WHERE id = $1 AND user_id = $2 ${wait.sql}`,
        [id, userId, ...wait.params],
      );
      return rows[0] && toStoredOrder(rows[0]);
    },

    async listForUser(
      userId: string,
      limit: number,
      after: KeysetPosition | undefined,
    ): Promise<StoredOrder[]> {
      const wait = await injectedWait(options, 5);
      const { rows } = await db.query<OrderRow>(
        `SELECT ${COLUMNS} FROM orders
         WHERE user_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
           ${wait.sql}
         ORDER BY created_at DESC, id DESC
         LIMIT $4`,
        [userId, after?.at ?? null, after?.id ?? null, limit, ...wait.params],
      );
      return rows.map(toStoredOrder);
    },

    async findById(id: string): Promise<StoredOrder | undefined> {
      const { rows } = await db.query<OrderRow>(`SELECT ${COLUMNS} FROM orders WHERE id = $1`, [id]);
      return rows[0] && toStoredOrder(rows[0]);
    },

    async settlePending(id: string, settlement: Settlement): Promise<StoredOrder | undefined> {
      const { rows } = await db.query<OrderRow>(
        `UPDATE orders
         SET status = $2, payment_id = $3, payment_outcome = $4, decline_code = $5,
             cancellation_reason = $6, updated_at = now()
         WHERE id = $1 AND status = 'PENDING'
         RETURNING ${COLUMNS}`,
        [
          id,
          settlement.status,
          settlement.payment.paymentId,
          settlement.payment.outcome,
          settlement.payment.declineCode,
          settlement.cancellationReason,
        ],
      );
      return rows[0] && toStoredOrder(rows[0]);
    },
  };
}
