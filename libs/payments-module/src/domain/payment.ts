export type PaymentStatus = 'SUCCEEDED' | 'FAILED';

/** An order's payment, as recorded once the card network answered. */
export interface Payment {
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

/** The port the use cases keep payments through; the Postgres adapter implements it. */
export interface PaymentRepository {
  /**
   * Records a payment unless its order already has one; resolves with undefined then. Inside a unit of
   * work, so the payment and its outcome event commit together.
   */
  insertIfAbsent(payment: Omit<Payment, 'createdAt'>): Promise<Payment | undefined>;
  findById(id: string): Promise<Payment | undefined>;
  findByOrderId(orderId: string): Promise<Payment | undefined>;
}
