import type { ErrorDetail } from '@shop/errors';

/** One product of the catalog, at its current price. */
export interface Product {
  sku: string;
  name: string;
  description: string;
  /** Price of one unit in minor units (cents) of `currency`; at least 1. */
  priceCents: number;
  /** ISO 4217 code, e.g. "EUR". */
  currency: string;
  /** Path of the product's image on the storefront. */
  imageUrl: string;
}

// Letters, digits, dots, underscores and hyphens: safe in a URL path segment, a log line and a header.
const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const SKU_RULE =
  'must be 1 to 64 letters, digits, dots, underscores or hyphens, starting with a letter or digit';

/** What is wrong with a sku's form, if anything; whether a product has it is the catalog's to say. */
export function skuProblem(field: string, sku: string): ErrorDetail | undefined {
  return SKU.test(sku) ? undefined : { field, message: SKU_RULE };
}
