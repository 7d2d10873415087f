import type { Queryable } from '@shop/db';
import type { Payment, PaymentRepository, PaymentStatus } from '../domain/payment';

interface PaymentRow {
  id: string;
  order_id: string;
  user_id: string | null;
  // bigint arrives as a string from pg; amounts stay far below 2^53.
  amount_cents: string;
  currency: string;
  payment_method: string;
  status: PaymentStatus;
  decline_code: string | null;
  decline_message: string | null;
  provider_reference: string | null;
  created_at: Date;
}

const COLUMNS = `id, order_id, user_id, amount_cents, currency, payment_method, status, decline_code, decline_message,
  provider_reference, created_at`;

const toPayment = (row: PaymentRow): Payment => ({
  id: row.id,
  orderId: row.order_id,
  userId: row.user_id,
  amountCents: Number(row.amount_cents),
  currency: row.currency,
  paymentMethod: row.payment_method,
  status: row.status,
  declineCode: row.decline_code,
  declineMessage: row.decline_message,
  providerReference: row.provider_reference,
  createdAt: row.created_at,
});

/** Payments in Postgres, through the pool or a unit of work's transaction (`db`). */
export function createPaymentRepository(db: Queryable): PaymentRepository {
  return {
    /**
     * No conflict target: the id is derived from the order id, so a conflict on either key is the same
     * payment, and both must count as one.
     */
    async insertIfAbsent(payment) {
      const { rows } = await db.query<PaymentRow>(
        `INSERT INTO payments (id, order_id, user_id, amount_cents, currency, payment_method, status,
           decline_code, decline_message, provider_reference)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT DO NOTHING
         RETURNING ${COLUMNS}`,
        [
          payment.id,
          payment.orderId,
          payment.userId,
          payment.amountCents,
          payment.currency,
          payment.paymentMethod,
          payment.status,
          payment.declineCode,
          payment.declineMessage,
          payment.providerReference,
        ],
      );
      return rows[0] && toPayment(rows[0]);
    },

    async findById(id) {
      const { rows } = await db.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE id = $1`, [id]);
      return rows[0] && toPayment(rows[0]);
    },

    async findByOrderId(orderId) {
      const { rows } = await db.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE order_id = $1`, [
        orderId,
      ]);
      return rows[0] && toPayment(rows[0]);
    },
  };
}
