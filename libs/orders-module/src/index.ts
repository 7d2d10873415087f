// The orders module: placing and listing orders, settling them on payment outcomes (the saga's second
// half), and the catalog they are priced from. Any composition root (a service, a monolith) builds it
// with createOrdersModule over the module's own database and wires its transports around it.
import type { Pool, PoolClient } from '@shop/db';
import type { FaultFlags } from '@shop/fault-flags';
import type { Logger } from '@shop/logger';
import { createPostgresUnitOfWork } from '@shop/messaging';
import { createOrderRepository } from './data-access/order-repository';
import { createProductRepository } from './data-access/product-repository';
import { createCatalogQueries } from './domain/catalog-queries';
import { createOrderUseCases } from './domain/orders';
import { createPaymentOutcomes } from './domain/payment-outcomes';
import type { CustomerDirectory, OrderRepositories } from './domain/ports';
import { paymentEventHandlers } from './events';

export interface OrdersModuleDeps {
  /** The module's own database, migrated with `migrations`. */
  pool: Pool;
  /** Told after a commit that wrote events, so the outbox relay sends them without waiting for its poll. */
  eventsWritten?: () => void;
  /** The topic the order events (OrderCreated, OrderConfirmed, OrderCancelled) go to. */
  orderEventsTopic: string;
  /** Who the customers are: the users module, reached through whatever transport the caller has. */
  customers: CustomerDirectory;
  /** Logs what the payment event handlers met (an outcome for a settled order, a redelivery). */
  logger: Logger;
  /** Faults injected on purpose (`npm run flags`): slow order reads. */
  faults?: Pick<FaultFlags, 'ordersSlowQueryMs'>;
}

/** The repositories of one transaction: the price list reads the catalog in the order's transaction. */
function transactionRepositories(client: PoolClient): OrderRepositories {
  const products = createProductRepository(client);
  return { orders: createOrderRepository(client), prices: { pricesOf: (skus) => products.findBySkus(skus) } };
}

/** Builds the orders module; it starts nothing (no server, no consumer, no relay). */
export function createOrdersModule(deps: OrdersModuleDeps) {
  const unitOfWork = createPostgresUnitOfWork({
    pool: deps.pool,
    repositories: transactionRepositories,
    eventsWritten: deps.eventsWritten,
  });
  const paymentOutcomes = createPaymentOutcomes({ unitOfWork, orderEventsTopic: deps.orderEventsTopic });
  return {
    /** Place, get and list a user's orders. */
    useCases: createOrderUseCases({
      orders: createOrderRepository(deps.pool, { faults: deps.faults }),
      unitOfWork,
      customers: deps.customers,
      orderEventsTopic: deps.orderEventsTopic,
    }),
    /** Settle an order on its payment's outcome; the event handlers below call these. */
    paymentOutcomes,
    /** The public catalog: every product, or one by its sku. */
    catalog: createCatalogQueries(createProductRepository(deps.pool)),
    /** The payment events the module consumes, for a Kafka consumer or an in-process dispatcher. */
    eventHandlers: paymentEventHandlers(paymentOutcomes, deps.logger),
  };
}

export type OrdersModule = ReturnType<typeof createOrdersModule>;

export { migrations } from './data-access/migrations';
export type { PaymentEventHandlers, PaymentEventType } from './events';
export type { CatalogQueries } from './domain/catalog-queries';
export type { Order, OrderLine, OrderPayment, OrderStatus, PaymentOutcome } from './domain/order';
export type { OrderRequest, RequestedItem } from './domain/order-rules';
export type { OrderListRequest, OrderPage, OrderUseCases, PlacedOrder } from './domain/orders';
export type {
  FailedPayment,
  PaymentOutcomes,
  SettlementResult,
  SucceededPayment,
} from './domain/payment-outcomes';
export type { Customer, CustomerDirectory } from './domain/ports';
export type { Product } from './domain/product';
