import { randomUUID } from 'node:crypto';
import { decodeCursor, limitProblem, pageOf, pageSize, uuidProblem } from '@shop/domain-helpers';
import { AppError, failedPrecondition, invalidArgument, notFound, type ErrorDetail } from '@shop/errors';
import type { OutgoingEvent, UnitOfWork } from '@shop/messaging/ports';
import { listPosition, toOrder, type Order, type OrderRepository, type StoredOrder } from './order';
import { priceOrder } from './order-pricing';
import { requestHash, validateOrderRequest, type OrderRequest } from './order-rules';
import type { CustomerDirectory, OrderRepositories } from './ports';

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
  /** Reads, outside any transaction. */
  orders: OrderRepository;
  unitOfWork: UnitOfWork<OrderRepositories>;
  customers: CustomerDirectory;
  orderEventsTopic: string;
}

export const ORDER_PAGE_SIZES = { defaultSize: 20, maxSize: 100 } as const;

function throwIfInvalid(problems: readonly (ErrorDetail | undefined)[], message: string): void {
  const found = problems.filter((problem): problem is ErrorDetail => problem !== undefined);
  if (found.length > 0) throw invalidArgument(message, found);
}

/** An earlier order placed with the same key is the answer, but only to the same request. */
function replay(earlier: StoredOrder, hash: string | undefined): PlacedOrder {
  if (earlier.requestHash !== hash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key was already used with a different request');
  }
  return { order: toOrder(earlier), replayed: true };
}

/** The event that asks for a new order's payment, and tells the customer's side what was ordered. */
const orderCreated = (topic: string, order: Order): OutgoingEvent<'orders.v1.OrderCreated'> => ({
  topic,
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

export function createOrderUseCases(deps: OrderUseCasesDeps) {
  return {
    /**
     * Places a PENDING order for a known user, priced from the catalog, and asks for its payment
     * (OrderCreated) in the same unit of work; a refusal (unknown sku, changed price) writes nothing.
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

      const created = await deps.unitOfWork.run(async ({ repositories, publish }) => {
        const skus = valid.items.map((item) => item.sku);
        const priced = priceOrder(valid.items, valid.currency, await repositories.prices.pricesOf(skus));
        const order = await repositories.orders.insert({
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
        if (order) publish(orderCreated(deps.orderEventsTopic, order));
        return order;
      });

      if (!created) {
        // A concurrent request with the same key placed its order first; answer as its replay.
        const winner =
          key === undefined ? undefined : await deps.orders.findByIdempotencyKey(valid.userId, key);
        if (!winner) throw new AppError('INTERNAL', 'The order that took the idempotency key is missing');
        return replay(winner, hash);
      }
      return { order: toOrder(created), replayed: false };
    },

    /** One of the user's orders. Another user's order is as unknown as one that does not exist. */
    async getOrder(orderId: string, userId: string): Promise<Order> {
      throwIfInvalid(
        [uuidProblem('orderId', orderId), uuidProblem('userId', userId)],
        'The request is not valid',
      );
      const order = await deps.orders.findForUser(orderId, userId);
      if (!order) throw notFound(`Order ${orderId} not found`);
      return toOrder(order);
    },

    /** One page of the user's orders, newest first. */
    async listOrders(request: OrderListRequest): Promise<OrderPage> {
      throwIfInvalid(
        [uuidProblem('userId', request.userId), limitProblem(request.limit)],
        'The request is not valid',
      );
      const after = request.cursor === '' ? undefined : decodeCursor(request.cursor);
      const size = pageSize(request.limit, ORDER_PAGE_SIZES);
      // One more than the page tells whether another page follows without a count.
      const page = pageOf(await deps.orders.listForUser(request.userId, size + 1, after), size, listPosition);
      return { orders: page.items.map(toOrder), nextCursor: page.nextCursor };
    },
  };
}

export type OrderUseCases = ReturnType<typeof createOrderUseCases>;
