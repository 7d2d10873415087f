import type { Queryable } from '@shop/db';
import type { Product } from '../domain/product';

interface ProductRow {
  sku: string;
  name: string;
  description: string;
  price_cents: string;
  currency: string;
  image_url: string;
}

const COLUMNS = 'sku, name, description, price_cents, currency, image_url';

const toProduct = (row: ProductRow): Product => ({
  sku: row.sku,
  name: row.name,
  description: row.description,
  // bigint arrives as a string; prices are far below 2^53.
  priceCents: Number(row.price_cents),
  currency: row.currency,
  imageUrl: row.image_url,
});

/**
 * The catalog's products, over the pool for the catalog's reads or over a transaction's connection for
 * an order's pricing.
 */
export function createProductRepository(db: Queryable) {
  return {
    async list(): Promise<Product[]> {
      const { rows } = await db.query<ProductRow>(`SELECT ${COLUMNS} FROM products ORDER BY sku`);
      return rows.map(toProduct);
    },

    async find(sku: string): Promise<Product | undefined> {
      const { rows } = await db.query<ProductRow>(`SELECT ${COLUMNS} FROM products WHERE sku = $1`, [sku]);
      return rows[0] && toProduct(rows[0]);
    },

    /** The products with these skus, keyed by sku; unknown skus are simply absent. */
    async findBySkus(skus: readonly string[]): Promise<Map<string, Product>> {
      const { rows } = await db.query<ProductRow>(
        `SELECT ${COLUMNS} FROM products WHERE sku = ANY($1::text[])`,
        [skus],
      );
      return new Map(rows.map((row) => [row.sku, toProduct(row)]));
    },
  };
}

export type ProductRepository = ReturnType<typeof createProductRepository>;
