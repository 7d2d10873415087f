import { randomUUID } from 'node:crypto';
import { alreadyExists, notFound, unauthenticated } from '@shop/errors';
import { testLogger, testSigningKeys } from '@shop/testing';
import { createSigner } from 'fast-jwt';
import type { FastifyInstance } from 'fastify';
import {
  buildShopApi,
  createOrderStatusHub,
  type Caller,
  type CheckedDependency,
  type DependencyState,
  type OrderView,
  type PageRequest,
  type PlaceOrderInput,
  type ShopApiPorts,
  type ShopApiSettings,
  type UserView,
} from '../src';

/**
 * The API over ports kept in memory, as a composition root without any transport would build it: what
 * each port was asked, and for whom, is recorded; a test may swap any port method to make it fail.
 */
export async function startInMemoryShop() {
  const keys = testSigningKeys();
  const calls: { method: string; caller?: Caller; input?: unknown }[] = [];
  const users = new Map<string, UserView & { password: string }>();
  const orders = new Map<string, OrderView & { userId: string }>();
  const byKey = new Map<string, string>();
  const states: Record<CheckedDependency, DependencyState> = {
    users: 'SERVING',
    orders: 'SERVING',
    email: 'SERVING',
  };
  // What a port method throws instead of answering, while set (a failure of the port's own side).
  const failures = new Map<string, unknown>();
  const record = (call: { method: string; caller?: Caller; input?: unknown }) => {
    calls.push(call);
    if (failures.has(call.method)) throw failures.get(call.method);
  };
  const now = () => new Date().toISOString();
  // A port answers in a promise; what the in-memory version throws becomes its rejection.
  const settle = <T>(work: () => T): Promise<T> => new Promise<T>((resolve) => resolve(work()));
  const ownOrder = (caller: Caller, orderId: string) => {
    const order = orders.get(orderId);
    if (!order || order.userId !== caller.userId) throw notFound(`Order ${orderId} not found`);
    const { userId: _owner, ...view } = order;
    return view;
  };

  const ports: ShopApiPorts = {
    users: {
      register: ({ email, name, password }) =>
        settle(() => {
          record({ method: 'register', input: { email, name } });
          if ([...users.values()].some((user) => user.email === email)) throw alreadyExists('Email taken');
          const user = { id: randomUUID(), email, name, password, createdAt: now() };
          users.set(user.id, user);
          return { id: user.id, email, name, createdAt: user.createdAt };
        }),
      issueToken: ({ email, password }) =>
        settle(() => {
          const user = [...users.values()].find((found) => found.email === email);
          if (!user || user.password !== password) throw unauthenticated('Wrong email or password');
          return { accessToken: sign({ sub: user.id, email }), expiresInSeconds: 900 };
        }),
      getUser: (caller) =>
        settle(() => {
          record({ method: 'getUser', caller });
          const user = users.get(caller.userId);
          if (!user) throw notFound('User not found');
          return { id: user.id, email: user.email, name: user.name, createdAt: user.createdAt };
        }),
    },
    orders: {
      placeOrder: (caller, input: PlaceOrderInput) =>
        settle(() => {
          record({ method: 'placeOrder', caller, input });
          const replay = input.idempotencyKey && byKey.get(`${caller.userId}:${input.idempotencyKey}`);
          if (replay) return { order: ownOrder(caller, replay), replayed: true };
          const items = input.items.map(({ sku, quantity }) => ({ sku, quantity, unitPriceCents: 500 }));
          const order: OrderView & { userId: string } = {
            id: randomUUID(),
            userId: caller.userId,
            status: 'PENDING',
            items,
            totalCents: items.reduce((total, item) => total + item.quantity * item.unitPriceCents, 0),
            currency: 'EUR',
            paymentMethod: input.paymentMethod,
            createdAt: now(),
            updatedAt: now(),
          };
          orders.set(order.id, order);
          if (input.idempotencyKey) byKey.set(`${caller.userId}:${input.idempotencyKey}`, order.id);
          return { order: ownOrder(caller, order.id), replayed: false };
        }),
      getOrder: (caller, orderId) =>
        settle(() => {
          record({ method: 'getOrder', caller, input: orderId });
          return ownOrder(caller, orderId);
        }),
      listOrders: (caller, page: PageRequest) =>
        settle(() => {
          record({ method: 'listOrders', caller, input: page });
          const mine = [...orders.values()].filter((order) => order.userId === caller.userId);
          return { items: mine.map((order) => ownOrder(caller, order.id)), nextCursor: null };
        }),
    },
    catalog: {
      listProducts: () => Promise.resolve([]),
      getProduct: (sku) =>
        settle(() => {
          throw notFound(`Product ${sku} not found`);
        }),
    },
    email: {
      listEmails: (caller, page) =>
        settle(() => {
          record({ method: 'listEmails', caller, input: page });
          return { items: [], nextCursor: null };
        }),
    },
    readiness: { check: () => Promise.resolve({ ...states }) },
  };

  const config: ShopApiSettings = {
    BODY_LIMIT_BYTES: 65_536,
    RATE_LIMIT_WINDOW_MS: 60_000,
    RATE_LIMIT_SIGNUPS: 100,
    RATE_LIMIT_TOKENS: 100,
    RATE_LIMIT_ORDERS: 100,
    JWT_PUBLIC_KEY: keys.publicKeyPem,
    JWT_ISSUER: 'shop-users',
    JWT_AUDIENCE: 'shop-api',
    ORDER_EVENTS_RECHECK_MS: 60_000,
    ORDER_EVENTS_HEARTBEAT_MS: 60_000,
    STOREFRONT_DIR: '/nonexistent/storefront',
    BROWSER_TRACES_BODY_LIMIT_BYTES: 131_072,
    BROWSER_TRACES_PER_MINUTE: 120,
    BROWSER_TRACES_FORWARD_TIMEOUT_MS: 5_000,
  };
  const sign = (claims: Record<string, unknown>) =>
    createSigner({ key: keys.privateKeyPem, algorithm: 'EdDSA', expiresIn: 60_000 })({
      iss: config.JWT_ISSUER,
      aud: config.JWT_AUDIENCE,
      ...claims,
    });
  const logger = testLogger('shop-api');
  const orderEvents = createOrderStatusHub((error) => logger.error({ err: error }, 'listener failed'));
  const app: FastifyInstance = await buildShopApi({ config, logger, ports, orderEvents });
  await app.ready();

  return {
    app,
    ports,
    calls,
    orders,
    orderEvents,
    /** Makes a port method (by name) throw `error` until it is called with undefined. */
    fail: (method: string, error: unknown) =>
      void (error === undefined ? failures.delete(method) : failures.set(method, error)),
    /** What the readiness port answers from now on. */
    setState: (name: CheckedDependency, state: DependencyState) => void (states[name] = state),
    close: () => app.close(),
  };
}

export type InMemoryShop = Awaited<ReturnType<typeof startInMemoryShop>>;
