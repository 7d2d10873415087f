import type { Pool, PoolClient } from '@shop/db';
import type { Product } from './product';

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

export function createProductRepository(pool: Pool) {
  return {
    async list(): Promise<Product[]> {
      const { rows } = await pool.query<ProductRow>(`SELECT ${COLUMNS} FROM products ORDER BY sku`);
      return rows.map(toProduct);
    },

    async find(sku: string): Promise<Product | undefined> {
      const { rows } = await pool.query<ProductRow>(`SELECT ${COLUMNS} FROM products WHERE sku = $1`, [sku]);
      return rows[0] && toProduct(rows[0]);
    },

    /**
     * The products with these skus, keyed by sku; unknown skus are simply absent. Read on the caller's
     * connection, so an order is priced inside the transaction that stores it.
     */
    async findBySkus(client: PoolClient, skus: readonly string[]): Promise<Map<string, Product>> {
      const { rows } = await client.query<ProductRow>(
        `SELECT ${COLUMNS} FROM products WHERE sku = ANY($1::text[])`,
        [skus],
      );
      return new Map(rows.map((row) => [row.sku, toProduct(row)]));
    },
  };
}

export type ProductRepository = ReturnType<typeof createProductRepository>;
