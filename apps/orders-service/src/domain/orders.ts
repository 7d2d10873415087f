import { randomUUID } from 'node:crypto';
import { withTransaction, type Pool, type PoolClient } from '@shop/db';
import { AppError, failedPrecondition, invalidArgument, notFound, type ErrorDetail } from '@shop/errors';
import { appendToOutbox } from '@shop/messaging';
import type { OrderRecord, OrderRepository } from '../data-access/order-repository';
import { decodeCursor, encodeCursor } from './order-cursor';
import { priceOrder, type CatalogPrice } from './order-pricing';
import { requestHash, uuidProblem, validateOrderRequest, type OrderRequest } from './order-rules';
import { annotateActiveSpan } from '@shop/telemetry';

export interface Customer {
  email: string;
  name: string;
}

/** Who placed an order, as the orders need to know it: the users service, seen through this port. */
export interface CustomerDirectory {
  /** Undefined for a user that does not exist; throws UNAVAILABLE when the directory cannot answer. */
  find(userId: string): Promise<Customer | undefined>;
}

/** The catalog, as orders need it: the current prices of the products an order names. */
export interface PriceList {
  /**
   * Prices keyed by sku; unknown skus are absent. Read inside the order's transaction (`client`), so the
   * order is priced from the catalog as it stands when the order is stored.
   */
  pricesOf(client: PoolClient, skus: readonly string[]): Promise<ReadonlyMap<string, CatalogPrice>>;
}

export type Order = Omit<OrderRecord, 'idempotencyKey' | 'requestHash'>;

export interface PlacedOrder {
  order: Order;
  /** True when an earlier request with the same idempotency key placed this order. */
  replayed: boolean;
}

export interface OrderPage {
  orders: Order[];
  /** Where the next page starts; undefined on the last page. */
  nextCursor: string | undefined;
}

export interface OrderListRequest {
  userId: string;
  /** 0 asks for the default page size; larger than the maximum is capped. */
  limit: number;
  /** Empty for the first page. */
  cursor: string;
}

export interface OrderUseCasesDeps {
  pool: Pool;
  orders: OrderRepository;
  customers: CustomerDirectory;
  catalog: PriceList;
  orderEventsTopic: string;
  /** Told after a commit that wrote events, so the relay publishes them without waiting for its poll. */
  eventsWritten: () => void;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const withoutIdempotency = ({ idempotencyKey: _key, requestHash: _hash, ...order }: OrderRecord): Order =>
  order;

function throwIfInvalid(problems: readonly (ErrorDetail | undefined)[], message: string): void {
  const found = problems.filter((problem): problem is ErrorDetail => problem !== undefined);
  if (found.length > 0) throw invalidArgument(message, found);
}

/** An earlier order placed with the same key is the answer, but only to the same request. */
function replay(earlier: OrderRecord, hash: string | undefined): PlacedOrder {
  if (earlier.requestHash !== hash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key was already used with a different request');
  }
  return { order: withoutIdempotency(earlier), replayed: true };
}

export function createOrderUseCases(deps: OrderUseCasesDeps) {
  return {
    /**
     * Places a PENDING order for a known user, priced from the catalog, and asks for its payment
     * (OrderCreated) in the same transaction; a refusal (unknown sku, changed price) writes nothing.
     * A retry with the same idempotency key gets the first order back instead of a second.
     */
    async createOrder(request: OrderRequest): Promise<PlacedOrder> {
      const valid = validateOrderRequest(request);
      const key = valid.idempotencyKey;
      const hash = key === undefined ? undefined : requestHash(valid);
      if (key !== undefined) {
        const earlier = await deps.orders.findByIdempotencyKey(valid.userId, key);
        if (earlier) return replay(earlier, hash);
      }

      const customer = await deps.customers.find(valid.userId);
      if (!customer) throw failedPrecondition('Unknown user: orders can only be placed by registered users');

      const created = await withTransaction(deps.pool, async (client) => {
        const skus = valid.items.map((item) => item.sku);
        const priced = priceOrder(valid.items, valid.currency, await deps.catalog.pricesOf(client, skus));
        const order = await deps.orders.insert(client, {
          id: randomUUID(),
          userId: valid.userId,
          items: priced.items,
          totalCents: priced.totalCents,
          currency: priced.currency,
          paymentMethod: valid.paymentMethod,
          customerEmail: customer.email,
          customerName: customer.name,
          idempotencyKey: key ?? null,
          requestHash: hash ?? null,
        });
        if (!order) return undefined;
        await appendToOutbox(client, {
          topic: deps.orderEventsTopic,
          type: 'orders.v1.OrderCreated',
          aggregateId: order.id,
          payload: {
            orderId: order.id,
            userId: order.userId,
            items: order.items,
            totalCents: order.totalCents,
            currency: order.currency,
            paymentMethod: order.paymentMethod,
            customerEmail: order.customerEmail,
            customerName: order.customerName,
            createdAt: order.createdAt,
          },
        });
        return order;
      });

      if (!created) {
        // A concurrent request with the same key placed its order first; answer as its replay.
        const winner =
          key === undefined ? undefined : await deps.orders.findByIdempotencyKey(valid.userId, key);
        if (!winner) throw new AppError('INTERNAL', 'The order that took the idempotency key is missing');
        return replay(winner, hash);
      }
      annotateActiveSpan({ 'app.order.id': created.id, 'app.user.id': created.userId });
      deps.eventsWritten();
      return { order: withoutIdempotency(created), replayed: false };
    },

    /** One of the user's orders. Another user's order is as unknown as one that does not exist. */
    async getOrder(orderId: string, userId: string): Promise<Order> {
      throwIfInvalid(
        [uuidProblem('orderId', orderId), uuidProblem('userId', userId)],
        'The request is not valid',
      );
      annotateActiveSpan({ 'app.order.id': orderId, 'app.user.id': userId });
      const order = await deps.orders.findForUser(orderId, userId);
      if (!order) throw notFound(`Order ${orderId} not found`);
      return withoutIdempotency(order);
    },

    /** One page of the user's orders, newest first. */
    async listOrders(request: OrderListRequest): Promise<OrderPage> {
      throwIfInvalid(
        [
          uuidProblem('userId', request.userId),
          Number.isInteger(request.limit) && request.limit >= 0
            ? undefined
            : { field: 'limit', message: 'must not be negative' },
        ],
        'The request is not valid',
      );
      const after = request.cursor === '' ? undefined : decodeCursor(request.cursor);
      const size = request.limit === 0 ? DEFAULT_PAGE_SIZE : Math.min(request.limit, MAX_PAGE_SIZE);
      // One more than the page tells whether another page follows without a count.
      const found = await deps.orders.listForUser(request.userId, size + 1, after);
      const page = found.slice(0, size);
      const last = page.at(-1);
      return {
        orders: page.map(withoutIdempotency),
        nextCursor: found.length > size && last ? encodeCursor(last) : undefined,
      };
    },
  };
}

export type OrderUseCases = ReturnType<typeof createOrderUseCases>;
