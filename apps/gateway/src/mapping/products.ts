import type { catalogV1 } from '@shop/contracts';
import type { ProductJson } from '../schemas/products';
import { required } from './contract-violation';

/** The public form of a catalog product. */
export function toProductJson(product: catalogV1.Product | undefined): ProductJson {
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
