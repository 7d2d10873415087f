import { catalogV1, emailV1, ordersV1, usersV1 } from '@shop/contracts';
import { createClient, HealthClient, serviceFullName } from '@shop/grpc';
import type { Logger } from '@shop/logger';
import { grpcClientSecurity, type GrpcClientSecurity, type Workload } from '@shop/service-identity';
import type { GatewayConfig } from './config';

/** The services the gateway calls (payments is reached through orders, by events, never directly). */
export type DownstreamName = 'users' | 'orders' | 'email';

export interface HealthTarget {
  client: HealthClient;
  /** The full service name asked about, so an address that points at the wrong server is noticed. */
  service: string;
}

/** The workload each downstream must prove to be (its certificate's SPIFFE id). */
const WORKLOAD: Record<DownstreamName, Workload> = {
  users: 'users-service',
  orders: 'orders-service',
  email: 'email-service',
};

/**
 * The long-lived gRPC clients of the gateway, one channel per downstream and purpose, presenting the
 * gateway's workload certificate (or plaintext where the config chose it). Clients of the same address
 * and credentials share their connections (grpc-js pools subchannels), so the health checks ride on the
 * connections the API calls use.
 */
export function createGrpcClients(config: GatewayConfig, logger: Logger) {
  const security = Object.fromEntries(
    Object.entries(WORKLOAD).map(([name, workload]) => [name, grpcClientSecurity(config, workload, logger)]),
  ) as Record<DownstreamName, GrpcClientSecurity>;
  const api = (name: DownstreamName) => ({ deadlineMs: config.GRPC_DEADLINE_MS, ...security[name] });
  const health = (name: DownstreamName) => ({ deadlineMs: config.READINESS_DEADLINE_MS, ...security[name] });
  const healthOf = (
    name: DownstreamName,
    address: string,
    definition: Parameters<typeof serviceFullName>[0],
  ): HealthTarget => ({
    client: createClient(HealthClient, address, health(name)),
    service: serviceFullName(definition),
  });

  const users = createClient(usersV1.UsersServiceClient, config.USERS_SERVICE_ADDRESS, api('users'));
  const orders = createClient(ordersV1.OrdersServiceClient, config.ORDERS_SERVICE_ADDRESS, api('orders'));
  // The orders service serves the catalog too.
  const catalog = createClient(catalogV1.CatalogServiceClient, config.ORDERS_SERVICE_ADDRESS, api('orders'));
  const email = createClient(emailV1.EmailServiceClient, config.EMAIL_SERVICE_ADDRESS, api('email'));
  const healthTargets: Record<DownstreamName, HealthTarget> = {
    users: healthOf('users', config.USERS_SERVICE_ADDRESS, usersV1.UsersServiceService),
    orders: healthOf('orders', config.ORDERS_SERVICE_ADDRESS, ordersV1.OrdersServiceService),
    email: healthOf('email', config.EMAIL_SERVICE_ADDRESS, emailV1.EmailServiceService),
  };

  return {
    users,
    orders,
    catalog,
    email,
    health: healthTargets,
    close(): void {
      users.close();
      orders.close();
      catalog.close();
      email.close();
      for (const target of Object.values(healthTargets)) target.client.close();
    },
  };
}

export type GrpcClients = ReturnType<typeof createGrpcClients>;
