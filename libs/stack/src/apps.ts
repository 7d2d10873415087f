/**
 * The shop's apps as the native stack runs them: which are gRPC services with a database, which ports
 * they take by default, and which peers each one calls.
 */
export const SERVICES = ['users-service', 'orders-service', 'payments-service', 'email-service'] as const;
export type ServiceName = (typeof SERVICES)[number];
export const APPS = [...SERVICES, 'gateway'] as const;
export type AppName = (typeof APPS)[number];

/**
 * How the shop is deployed: `microservices`, the apps above, each with its own database, Kafka between
 * them; or `monolith`, one process (apps/monolith) serving the same public API with the four modules
 * in process, one database with a schema per module, and no broker.
 */
export const ARCHITECTURES = ['microservices', 'monolith'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** The monolith's app: its build is dist/apps/monolith, its replica `monolith#1`. */
export const MONOLITH = 'monolith';
/** Any app the stack runs as a process: one of the microservices' or the monolith. */
export type StackApp = AppName | typeof MONOLITH;

export function isArchitecture(name: string): name is Architecture {
  return (ARCHITECTURES as readonly string[]).includes(name);
}

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

/** The monolith's one database, its modules' schemas inside: `shop_monolith`. */
export const monolithDatabaseName = (prefix: string): string => `${prefix}${MONOLITH}`;

/** The monolith's modules, each with a schema in its database and a role of its own. */
export const MONOLITH_MODULES = ['users', 'orders', 'payments', 'email'] as const;
export type MonolithModule = (typeof MONOLITH_MODULES)[number];

/**
 * The role the monolith makes for a module, as apps/monolith names it: after the database too, since
 * roles are server-wide and several stacks share a server. `shop_monolith_users`.
 */
export const monolithModuleRole = (database: string, module: MonolithModule): string =>
  `${database}_${module}`;

export function isAppName(name: string): name is AppName {
  return (APPS as readonly string[]).includes(name);
}
