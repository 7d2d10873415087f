/**
 * The shop's apps as the native stack runs them: which are gRPC services with a database, which ports
 * they take by default, and which peers each one calls.
 */
export const SERVICES = ['users-service', 'orders-service', 'payments-service', 'email-service'] as const;
export type ServiceName = (typeof SERVICES)[number];
export const APPS = [...SERVICES, 'gateway'] as const;
export type AppName = (typeof APPS)[number];

export const DEFAULT_PORTS: Record<AppName, number> = {
  'users-service': 50051,
  'orders-service': 50052,
  'payments-service': 50053,
  'email-service': 50054,
  gateway: 8080,
};

/** The env variable through which an app is told where a peer service is. */
export const ADDRESS_VARIABLE: Record<ServiceName, string> = {
  'users-service': 'USERS_SERVICE_ADDRESS',
  'orders-service': 'ORDERS_SERVICE_ADDRESS',
  'payments-service': 'PAYMENTS_SERVICE_ADDRESS',
  'email-service': 'EMAIL_SERVICE_ADDRESS',
};

/** The peers each app calls over gRPC (the gateway checks all of them for readiness). */
export const PEERS: Record<AppName, readonly ServiceName[]> = {
  'users-service': [],
  'orders-service': ['users-service'],
  'payments-service': [],
  'email-service': [],
  gateway: SERVICES,
};

/** Database and role of a service: `shop_users` for users-service. */
export const databaseName = (service: ServiceName, prefix: string): string =>
  `${prefix}${service.replace(/-service$/, '')}`;

export function isAppName(name: string): name is AppName {
  return (APPS as readonly string[]).includes(name);
}
