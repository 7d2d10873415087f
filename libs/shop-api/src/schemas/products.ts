import { Type, type Static } from 'typebox';

/** A sku as the catalog spells them: safe in a URL path segment, so `/v1/products/{sku}` needs no escaping. */
export const SkuSchema = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
  description:
    'Stock keeping unit of a catalog product, e.g. `beans-huila`: 1 to 64 letters, digits, dots, ' +
    'underscores or hyphens, starting with a letter or digit.',
});

export const ProductSchema = Type.Object(
  {
    sku: SkuSchema,
    name: Type.String({ description: 'Name for display.' }),
    description: Type.String({ description: 'One sentence for display.' }),
    priceCents: Type.Integer({
      minimum: 1,
      description: 'Current price of one unit, in minor units (cents) of `currency`.',
    }),
    currency: Type.String({ description: 'ISO 4217 code, e.g. `EUR`.' }),
    imageUrl: Type.String({ description: 'Path of the product image on this server.' }),
  },
  { description: 'A product of the catalog, at its current price.' },
);
export type ProductJson = Static<typeof ProductSchema>;

export const ProductListSchema = Type.Object(
  { items: Type.Array(ProductSchema, { description: 'Every product, ordered by sku.' }) },
  { description: 'The whole catalog.' },
);
export type ProductList = Static<typeof ProductListSchema>;

export const ProductSkuParamsSchema = Type.Object({
  sku: Type.String({
    ...SkuSchema,
    description: 'Sku of the product; an unknown one is a 404, a malformed one a 400.',
  }),
});
