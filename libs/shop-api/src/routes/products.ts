import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { CatalogPort } from '../ports';
import { errorResponses } from '../schemas/errors';
import { ProductListSchema, ProductSchema, ProductSkuParamsSchema } from '../schemas/products';

export interface ProductRoutesOptions {
  catalog: CatalogPort;
}

/** The catalog, public: anyone may look at what the shop sells and at what price. */
export const productRoutes: FastifyPluginCallbackTypebox<ProductRoutesOptions> = (app, { catalog }, done) => {
  app.get(
    '/v1/products',
    {
      schema: {
        tags: ['products'],
        summary: 'The catalog',
        description:
          'Every product at its current price. Orders are charged these prices; send the price you showed ' +
          'as `unitPriceCents` when placing an order to be told (409 `PRICE_CHANGED`) if it has changed.',
        response: { 200: ProductListSchema, ...errorResponses() },
      },
    },
    async () => ({ items: await catalog.listProducts() }),
  );

  app.get(
    '/v1/products/:sku',
    {
      schema: {
        tags: ['products'],
        summary: 'One product',
        description: 'An unknown sku is a 404; one that no product could have (e.g. `a/b`) a 400.',
        params: ProductSkuParamsSchema,
        response: { 200: ProductSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => catalog.getProduct(request.params.sku),
  );

  done();
};
