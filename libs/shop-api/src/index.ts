/**
 * The shop's public HTTP API (routes, schemas, the OpenAPI document, auth, errors as RFC 9457 problem
 * details, rate limits, live order status, the storefront and the probes), built over ports so that
 * any composition root serves the same API: the gateway over gRPC, a monolith in process.
 */
export { buildShopApi, type ShopApiDeps } from './app';
export { shopApiEnv } from './env';
export type { ShopApiSettings } from './settings';
export type {
  AccessTokenGrant,
  Caller,
  CatalogPort,
  CheckedDependency,
  Credentials,
  DependencyState,
  EmailPort,
  EmailView,
  OrderView,
  OrdersPort,
  Page,
  PageRequest,
  PlacedOrder,
  PlaceOrderInput,
  ProductView,
  ReadinessPort,
  RegisterInput,
  ShopApiPorts,
  UserView,
  UsersPort,
} from './ports';
export {
  createOrderStatusHub,
  type OrderStatus,
  type OrderStatusChange,
  type OrderStatusHub,
  type OrderStatusListener,
} from './order-events/order-status-hub';
// The answers the error handler gives, for a composition root or a test that checks how an error reads.
export { problem, toErrorReply, type ErrorReply } from './plugins/errors';
