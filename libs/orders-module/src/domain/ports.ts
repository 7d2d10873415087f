import type { OrderRepository } from './order';
import type { CatalogPrice } from './order-pricing';

export interface Customer {
  email: string;
  name: string;
}

/** Who placed an order, as the orders need to know it: the users' side, seen through this port. */
export interface CustomerDirectory {
  /** Undefined for a user that does not exist; throws UNAVAILABLE when the directory cannot answer. */
  find(userId: string): Promise<Customer | undefined>;
}

/** The catalog, as orders need it: the current prices of the products an order names. */
export interface PriceList {
  /** Prices keyed by sku; unknown skus are absent. */
  pricesOf(skus: readonly string[]): Promise<ReadonlyMap<string, CatalogPrice>>;
}

/**
 * What a unit of work's transaction holds for the order use cases. The price list is read in the
 * order's transaction, so an order is priced from the catalog as it stands when the order is stored.
 */
export interface OrderRepositories {
  orders: OrderRepository;
  prices: PriceList;
}
