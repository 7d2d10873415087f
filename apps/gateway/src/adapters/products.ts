import type { catalogV1 } from '@shop/contracts';
import { call } from '@shop/grpc';
import type { CatalogPort, ProductView } from '@shop/shop-api';
import { required } from './contract-violation';

/** The public form of a catalog product. */
export function toProductJson(product: catalogV1.Product | undefined): ProductView {
  const found = required(product, 'a product');
  return {
    sku: found.sku,
    name: found.name,
    description: found.description,
    priceCents: found.priceCents,
    currency: found.currency,
    imageUrl: found.imageUrl,
  };
}

/** The API's catalog port over the catalog service (served by orders-service). */
export function grpcCatalog(catalog: catalogV1.CatalogServiceClient): CatalogPort {
  return {
    async listProducts() {
      const { products } = await call(catalog.listProducts.bind(catalog), {});
      return products.map(toProductJson);
    },
    async getProduct(sku) {
      return toProductJson((await call(catalog.getProduct.bind(catalog), { sku })).product);
    },
  };
}
