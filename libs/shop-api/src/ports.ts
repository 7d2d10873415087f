/**
 * What the public API needs from the shop, in the API's own terms. The routes call these ports and
 * nothing else: the gateway implements them with gRPC clients, a modular monolith with the modules'
 * use cases in process. The values are the views the API answers with, so a port implementation does
 * the whole mapping from its side.
 *
 * Failures: a port throws the AppErrors of `@shop/errors` (their code decides the HTTP status; an
 * operational error's message and details are shown as they are), or the gRPC status error of a call,
 * which the error handler reads as `call` of `@shop/grpc` would. An AppError with a `cause` counts as a
 * dependency's answer: for UNAVAILABLE and DEADLINE_EXCEEDED its message (which may name internal
 * addresses) is replaced by a generic one.
 */
import type { VerifiedUser } from '@shop/access-token';
import type { TokenRequest } from './schemas/auth';
import type { EmailJson } from './schemas/emails';
import type { DOWNSTREAM_STATES } from './schemas/health';
import type { CreateOrderBody, OrderJson } from './schemas/orders';
import type { ProductJson } from './schemas/products';
import type { RegisterBody, UserJson } from './schemas/users';

/**
 * The verified user a request is made for: their id, and the bearer token they sent, which an
 * implementation calling further services passes on so that each checks the user itself.
 */
export type Caller = VerifiedUser;

export type UserView = UserJson;
export type OrderView = OrderJson;
export type ProductView = ProductJson;
export type EmailView = EmailJson;

/** One page of a list, newest first; `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Which page to read: no limit means the default page size, no cursor the first page. */
export interface PageRequest {
  limit?: number;
  cursor?: string;
}

export type RegisterInput = RegisterBody;
export type Credentials = TokenRequest;

export interface AccessTokenGrant {
  accessToken: string;
  expiresInSeconds: number;
}

export interface UsersPort {
  /** Creates an account; an email already taken is ALREADY_EXISTS. */
  register(input: RegisterInput): Promise<UserView>;
  /** Exchanges credentials for an access token; wrong ones are UNAUTHENTICATED, whichever part is wrong. */
  issueToken(credentials: Credentials): Promise<AccessTokenGrant>;
  /** The caller's own account; NOT_FOUND when it is gone. */
  getUser(caller: Caller): Promise<UserView>;
}

export interface CatalogPort {
  listProducts(): Promise<ProductView[]>;
  /** An unknown sku is NOT_FOUND. */
  getProduct(sku: string): Promise<ProductView>;
}

/** An order to place: the catalog prices it; `unitPriceCents` is the price the client showed, if any. */
export interface PlaceOrderInput {
  items: CreateOrderBody['items'];
  currency?: string;
  paymentMethod: CreateOrderBody['paymentMethod'];
  /** The client's Idempotency-Key: a retry with the same key and input gets the order placed first. */
  idempotencyKey?: string;
}

export interface PlacedOrder {
  order: OrderView;
  /** True when the key had placed this order before: nothing new was placed. */
  replayed: boolean;
}

export interface OrdersPort {
  /**
   * Places the caller's order as PENDING. An unknown sku or currency is INVALID_ARGUMENT, a price that
   * is no longer the one shown PRICE_CHANGED, a key reused with another input IDEMPOTENCY_KEY_REUSED.
   */
  placeOrder(caller: Caller, input: PlaceOrderInput): Promise<PlacedOrder>;
  /** One of the caller's orders; another user's order and an unknown id are both NOT_FOUND. */
  getOrder(caller: Caller, orderId: string): Promise<OrderView>;
  listOrders(caller: Caller, page: PageRequest): Promise<Page<OrderView>>;
}

export interface EmailPort {
  /** The mails sent to the caller's address, newest first. */
  listEmails(caller: Caller, page: PageRequest): Promise<Page<EmailView>>;
}

/** What a part of the shop the API depends on answers when asked whether it serves (never a failure). */
export type DependencyState = (typeof DOWNSTREAM_STATES)[number];

/** The parts of the shop /readyz reports on: users and orders decide readiness, email only degrades it. */
export type CheckedDependency = 'users' | 'orders' | 'email';

export interface ReadinessPort {
  /** Asks every part at once, each within a short deadline; never throws (a failure is a state). */
  check(): Promise<Record<CheckedDependency, DependencyState>>;
}

/** Everything the API's routes call. */
export interface ShopApiPorts {
  users: UsersPort;
  orders: OrdersPort;
  catalog: CatalogPort;
  email: EmailPort;
  readiness: ReadinessPort;
}
