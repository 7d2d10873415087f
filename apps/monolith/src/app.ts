import { createPublicKey } from 'node:crypto';
import { createEmailModule, mailboxDomain } from '@shop/email-module';
import { openFaultFlags } from '@shop/fault-flags';
import type { Logger } from '@shop/logger';
import { startInProcessRelay, type InProcessRelay } from '@shop/messaging';
import { createOrdersModule } from '@shop/orders-module';
import { createPaymentsModule } from '@shop/payments-module';
import { buildShopApi, type OrderStatusHub } from '@shop/shop-api';
import { createUsersModule } from '@shop/users-module';
import type { FastifyInstance } from 'fastify';
import { inProcessPorts } from './adapters';
import { inProcessCustomerDirectory } from './adapters/customer-directory';
import type { MonolithConfig } from './config';
import type { ModulePools } from './module-databases';
import { MODULE_TOPICS, moduleSubscribers } from './subscribers';

export interface MonolithDeps {
  config: MonolithConfig;
  logger: Logger;
  /** Each module's pool, connected as its role to its schema, migrated (see module-databases.ts). */
  pools: ModulePools;
  /** Where the order events arrive for the live order streams. */
  orderEvents: OrderStatusHub;
  /** Relay tuning, for tests; the relay's defaults otherwise. */
  relay?: { pollIntervalMs?: number; initialBackoffMs?: number; maxBackoffMs?: number };
}

export interface Monolith {
  /** The public API, not listening yet: `app.inject()` works before `start()`. */
  app: FastifyInstance;
  /** Starts delivering the modules' events and serving; resolves with the bound HTTP port. */
  start(): Promise<number>;
  /**
   * Stops taking requests and drains those in flight (open order streams end), then finishes the
   * deliveries in hand, then closes the mail server's connections. The pools are the caller's.
   */
  stop(): Promise<void>;
}

const publicKeyOf = (privateKeyPem: string): string =>
  createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();

/** The shop as one process: the four modules over their own pools, behind the same public API. */
export async function createMonolith({
  config,
  logger,
  pools,
  orderEvents,
  relay: tuning,
}: MonolithDeps): Promise<Monolith> {
  let relay: InProcessRelay | undefined;
  // Each module wakes the relay for its own outbox after a commit that wrote events.
  const wake = (outbox: string) => () => relay?.wake(outbox);
  const faults = openFaultFlags({ file: config.FLAGS_FILE, logger });

  const users = createUsersModule({
    pool: pools.users,
    eventsWritten: wake('users'),
    topics: { userEvents: MODULE_TOPICS.userEvents },
    accessTokens: {
      privateKeyPem: config.JWT_PRIVATE_KEY,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ttlSeconds: config.JWT_TTL_SECONDS,
    },
    onRehashFailed: (error) => logger.warn({ err: error }, 'upgrading a password hash at login failed'),
  });
  const orders = createOrdersModule({
    pool: pools.orders,
    eventsWritten: wake('orders'),
    orderEventsTopic: MODULE_TOPICS.orderEvents,
    customers: inProcessCustomerDirectory(users.useCases),
    logger: logger.child({ module: 'orders' }),
    faults,
  });
  const payments = createPaymentsModule({
    pool: pools.payments,
    eventsWritten: wake('payments'),
    topics: { paymentEvents: MODULE_TOPICS.paymentEvents },
    cardNetwork: {
      latencyMs: config.CARD_NETWORK_LATENCY_MS,
      jitterMs: config.CARD_NETWORK_JITTER_MS,
      faults,
    },
  });
  const email = createEmailModule({
    pool: pools.email,
    smtp: { url: config.SMTP_URL, from: config.MAIL_FROM, faults },
    messageIdDomain: mailboxDomain(config.MAIL_FROM),
    logger: logger.child({ module: 'email' }),
  });

  const app = await buildShopApi({
    // The API verifies the tokens the users module signs, with the public half of the same key.
    config: { ...config, JWT_PUBLIC_KEY: publicKeyOf(config.JWT_PRIVATE_KEY) },
    logger,
    orderEvents,
    ports: inProcessPorts({
      users,
      orders,
      email,
      pools,
      readinessDeadlineMs: config.READINESS_DEADLINE_MS,
    }),
  });

  return {
    app,
    async start() {
      relay = startInProcessRelay({
        // email writes no events; its outbox (from the shared messaging migrations) stays empty.
        outboxes: (['users', 'orders', 'payments'] as const).map((name) => ({ name, pool: pools[name] })),
        subscribers: moduleSubscribers({ orders, payments, email, orderEvents }),
        logger,
        ...tuning,
      });
      await app.listen({ host: config.GATEWAY_HOST, port: config.GATEWAY_PORT });
      const address = app.server.address();
      return typeof address === 'object' && address ? address.port : config.GATEWAY_PORT;
    },
    async stop() {
      // Requests still running after the grace period lose their connection rather than hold the stop.
      const cutOff = setTimeout(() => app.server.closeAllConnections(), config.SHUTDOWN_GRACE_MS);
      try {
        await app.close();
      } finally {
        clearTimeout(cutOff);
      }
      // Events written by the last requests stay in their outboxes for the next start if not delivered.
      await relay?.stop();
      email.close();
      await faults.close();
    },
  };
}
