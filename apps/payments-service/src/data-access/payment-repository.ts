import type { Pool, PoolClient } from '@shop/db';

export type PaymentStatus = 'SUCCEEDED' | 'FAILED';

export interface PaymentRecord {
  id: string;
  orderId: string;
  /** Who placed the order; null for payments recorded before owners were kept. */
  userId: string | null;
  amountCents: number;
  currency: string;
  paymentMethod: string;
  status: PaymentStatus;
  declineCode: string | null;
  declineMessage: string | null;
  providerReference: string | null;
  createdAt: Date;
}

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

const toRecord = (row: PaymentRow): PaymentRecord => ({
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

export function createPaymentRepository(pool: Pool) {
  return {
    /**
     * Inside the caller's transaction, so the payment and its outcome event commit together. Resolves
     * with undefined when the order already has its payment. No conflict target: the id is derived from
     * the order id, so a conflict on either key is the same payment, and both must count as one.
     */
    async insertIfAbsent(
      client: PoolClient,
      payment: Omit<PaymentRecord, 'createdAt'>,
    ): Promise<PaymentRecord | undefined> {
      const { rows } = await client.query<PaymentRow>(
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
      return rows[0] && toRecord(rows[0]);
    },

    async findById(id: string): Promise<PaymentRecord | undefined> {
      const { rows } = await pool.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE id = $1`, [id]);
      return rows[0] && toRecord(rows[0]);
    },

    async findByOrderId(orderId: string): Promise<PaymentRecord | undefined> {
      const { rows } = await pool.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE order_id = $1`, [
        orderId,
      ]);
      return rows[0] && toRecord(rows[0]);
    },
  };
}

export type PaymentRepository = ReturnType<typeof createPaymentRepository>;
