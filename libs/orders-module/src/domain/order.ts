import type { KeysetPosition } from '@shop/domain-helpers';

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED';
export type PaymentOutcome = 'SUCCEEDED' | 'FAILED';

/** A line of a placed order, at the unit price charged. */
export interface OrderLine {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

/** How an order's payment went, once the payments side has said. */
export interface OrderPayment {
  paymentId: string;
  outcome: PaymentOutcome;
  declineCode: string | null;
}

/** An order as its owner sees it. */
export interface Order {
  id: string;
  userId: string;
  status: OrderStatus;
  items: OrderLine[];
  totalCents: number;
  currency: string;
  paymentMethod: string;
  customerEmail: string;
  customerName: string;
  cancellationReason: string | null;
  /** Set once the payment outcome is known. */
  payment: OrderPayment | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * An order as it is kept: with the idempotency key it was placed with and the hash of the request that
 * placed it, so a retry can be told from another request reusing the key.
 */
export interface StoredOrder extends Order {
  idempotencyKey: string | null;
  requestHash: string | null;
}

export type NewOrder = Pick<
  StoredOrder,
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

/** The final status a payment outcome gives a PENDING order, and what is recorded with it. */
export interface Settlement {
  status: Exclude<OrderStatus, 'PENDING'>;
  payment: OrderPayment;
  cancellationReason: string | null;
}

/** The port the use cases keep orders through; the Postgres adapter implements it. */
export interface OrderRepository {
  /**
   * Stores a new PENDING order. Resolves undefined when the user's idempotency key is already taken:
   * the concurrent request that took it has committed by then, so the caller can read that order.
   */
  insert(order: NewOrder): Promise<StoredOrder | undefined>;
  findByIdempotencyKey(userId: string, idempotencyKey: string): Promise<StoredOrder | undefined>;
  /** The order only when it belongs to the user: other users' orders do not exist for them. */
  findForUser(id: string, userId: string): Promise<StoredOrder | undefined>;
  /** Newest first, starting after `after` (the last order of the previous page), at most `limit`. */
  listForUser(userId: string, limit: number, after: KeysetPosition | undefined): Promise<StoredOrder[]>;
  findById(id: string): Promise<StoredOrder | undefined>;
  /**
   * Records a payment outcome and moves the order to its final status, only while it is PENDING:
   * resolves undefined when the order is unknown or already final, and then changes nothing.
   */
  settlePending(id: string, settlement: Settlement): Promise<StoredOrder | undefined>;
}

/** An order without what only its storage needs. */
export const toOrder = ({ idempotencyKey: _key, requestHash: _hash, ...order }: StoredOrder): Order => order;

/** Where an order stands in its owner's list, newest first: the keyset of the list's cursor. */
export const listPosition = (order: Pick<Order, 'createdAt' | 'id'>): KeysetPosition => ({
  at: order.createdAt,
  id: order.id,
});
