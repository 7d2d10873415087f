/**
 * The shop's apps as the native stack runs them: which are gRPC services with a database, which ports
 * they take by default, and which peers each one calls.
 */
export const SERVICES = ['users-service', 'orders-service', 'payments-service', 'email-service'] as const;
export type ServiceName = (typeof SERVICES)[number];
export const APPS = [...SERVICES, 'gateway'] as const;
export type AppName = (typeof APPS)[number];

/**
 * The native stack's fixed ports. The services' own defaults (50051...) fall in Linux's ephemeral range
 * (32768-60999), where any outgoing connection on this machine may already hold them; 15051... do not.
 * Replica i of a service takes + 100 * i (15052, 15152, ...), of the gateway + i.
 */
export const DEFAULT_PORTS: Record<AppName, number> = {
  'users-service': 15051,
  'orders-service': 15052,
  'payments-service': 15053,
  'email-service': 15054,
  gateway: 8080,
};

/** MailDev's defaults, which the mail catcher keeps, so that its web UI is where its users expect it. */
export const MAIL_CATCHER_PORTS = { smtp: 1025, web: 1080 } as const;

/** The env variable through which an app is told where a peer service is. */
export const ADDRESS_VARIABLE: Record<ServiceName, string> = {
  'users-service': 'USERS_SERVICE_ADDRESS',
  'orders-service': 'ORDERS_SERVICE_ADDRESS',
  'payments-service': 'PAYMENTS_SERVICE_ADDRESS',
  'email-service': 'EMAIL_SERVICE_ADDRESS',
};

/** The peers each app calls over gRPC (payments only consumes events: no app calls it). */
export const PEERS: Record<AppName, readonly ServiceName[]> = {
  'users-service': [],
  'orders-service': ['users-service'],
  'payments-service': [],
  'email-service': [],
  gateway: ['users-service', 'orders-service', 'email-service'],
};

/** Database and role of a service: `shop_users` for users-service. */
export const databaseName = (service: ServiceName, prefix: string): string =>
  `${prefix}${service.replace(/-service$/, '')}`;

export function isAppName(name: string): name is AppName {
  return (APPS as readonly string[]).includes(name);
}
