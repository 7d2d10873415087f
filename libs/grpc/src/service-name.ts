import type { ServiceDefinition } from '@grpc/grpc-js';
import { AppError } from '@shop/errors';

/**
 * The full name of a service (`orders.v1.OrdersService`), read from its methods' paths
 * (`/orders.v1.OrdersService/CreateOrder`). ts-proto's `XxxServiceService` definitions carry no name of
 * their own, and the health protocol and logs need it.
 */
export function serviceFullName(definition: ServiceDefinition): string {
  const [method] = Object.values(definition);
  const name = method?.path.split('/')[1];
  if (!name) {
    throw new AppError(
      'INTERNAL',
      'A gRPC service definition needs a method with a /package.Service/Method path',
    );
  }
  return name;
}
