import { catalogV1 } from '@shop/contracts';
import { grpcService, unary, type GrpcService } from '@shop/grpc';
import type { Logger } from '@shop/logger';
import type { CatalogQueries, Product } from '@shop/orders-module';

const toProductMessage = (product: Product): catalogV1.Product => ({ ...product });

/** Adapts gRPC requests to the catalog queries; no rules live here. */
export function catalogGrpcService(catalog: CatalogQueries, logger: Logger): GrpcService {
  return grpcService(catalogV1.CatalogServiceService, {
    listProducts: unary(async () => {
      return { products: (await catalog.listProducts()).map(toProductMessage) };
    }, logger),
    getProduct: unary(async ({ sku }) => {
      return { product: toProductMessage(await catalog.getProduct(sku)) };
    }, logger),
  });
}
