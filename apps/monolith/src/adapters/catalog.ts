import type { CatalogQueries, Product } from '@shop/orders-module';
import type { CatalogPort, ProductView } from '@shop/shop-api';
import { inModule } from './module-span';

export const toProductView = (product: Product): ProductView => ({
  sku: product.sku,
  name: product.name,
  description: product.description,
  priceCents: product.priceCents,
  currency: product.currency,
  imageUrl: product.imageUrl,
});

/** The API's catalog port over the orders module's catalog (the catalog belongs to orders). */
export function inProcessCatalog(catalog: CatalogQueries): CatalogPort {
  return {
    listProducts: () =>
      inModule('orders', 'listProducts', async () => (await catalog.listProducts()).map(toProductView)),
    getProduct: (sku) =>
      inModule('orders', 'getProduct', async () => toProductView(await catalog.getProduct(sku)), {
        'app.product.sku': sku,
      }),
  };
}
