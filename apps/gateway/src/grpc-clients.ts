import { catalogV1, emailV1, ordersV1, paymentsV1, usersV1 } from '@shop/contracts';
import { createClient, HealthClient, serviceFullName } from '@shop/grpc';
import type { GatewayConfig } from './config';

export type DownstreamName = 'users' | 'orders' | 'payments' | 'email';

export interface HealthTarget {
  client: HealthClient;
  /** The full service name asked about, so an address that points at the wrong server is noticed. */
  service: string;
}

/**
 * The long-lived gRPC clients of the gateway, one channel per downstream and purpose. Clients of the
 * same address share their connections (grpc-js pools subchannels), so the health checks ride on the
 * connections the API calls use.
 */
export function createGrpcClients(config: GatewayConfig) {
  const api = { deadlineMs: config.GRPC_DEADLINE_MS };
  const health = { deadlineMs: config.READINESS_DEADLINE_MS };
  const healthOf = (address: string, definition: Parameters<typeof serviceFullName>[0]): HealthTarget => ({
    client: createClient(HealthClient, address, health),
    service: serviceFullName(definition),
  });

  const users = createClient(usersV1.UsersServiceClient, config.USERS_SERVICE_ADDRESS, api);
  const orders = createClient(ordersV1.OrdersServiceClient, config.ORDERS_SERVICE_ADDRESS, api);
  // The orders service serves the catalog too.
  const catalog = createClient(catalogV1.CatalogServiceClient, config.ORDERS_SERVICE_ADDRESS, api);
  const email = createClient(emailV1.EmailServiceClient, config.EMAIL_SERVICE_ADDRESS, api);
  const healthTargets: Record<DownstreamName, HealthTarget> = {
    users: healthOf(config.USERS_SERVICE_ADDRESS, usersV1.UsersServiceService),
    orders: healthOf(config.ORDERS_SERVICE_ADDRESS, ordersV1.OrdersServiceService),
    payments: healthOf(config.PAYMENTS_SERVICE_ADDRESS, paymentsV1.PaymentsServiceService),
    email: healthOf(config.EMAIL_SERVICE_ADDRESS, emailV1.EmailServiceService),
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
