import { invalidArgument, notFound } from '@shop/errors';
import { skuProblem, type Product } from './product';

/** Where the catalog reads its products from. */
export interface ProductSource {
  list(): Promise<Product[]>;
  find(sku: string): Promise<Product | undefined>;
}

/** What the catalog answers: every product, or one by its sku. */
export function createCatalogQueries(products: ProductSource) {
  return {
    /** Every product, ordered by sku. */
    listProducts: (): Promise<Product[]> => products.list(),

    /** One product; a malformed sku is INVALID_ARGUMENT, an unknown one NOT_FOUND. */
    async getProduct(sku: string): Promise<Product> {
      const problem = skuProblem('sku', sku);
      if (problem) throw invalidArgument('The sku is not valid', [problem]);
      const product = await products.find(sku);
      if (!product) throw notFound(`Product ${sku} not found`);
      return product;
    },
  };
}

export type CatalogQueries = ReturnType<typeof createCatalogQueries>;
