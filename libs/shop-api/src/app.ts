import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import { unavailable } from '@shop/errors';
import type { Logger } from '@shop/logger';
import { traceResponse } from '@shop/telemetry';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { OrderStatusHub } from './order-events/order-status-hub';
import { registerAuth } from './plugins/auth';
import { browserTelemetryOptions, browserTelemetryRoutes } from './plugins/browser-telemetry';
import { registerErrorHandling } from './plugins/errors';
import { registerOpenApi } from './plugins/openapi';
import { rateLimitsOf, registerRateLimits } from './plugins/rate-limits';
import { storefrontRoutes } from './plugins/storefront';
import type { ShopApiPorts } from './ports';
import { authRoutes } from './routes/auth';
import { emailRoutes } from './routes/emails';
import { healthRoutes } from './routes/health';
import { orderEventRoutes } from './routes/order-events';
import { orderRoutes } from './routes/orders';
import { productRoutes } from './routes/products';
import { userRoutes } from './routes/users';
import type { ShopApiSettings } from './settings';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
type Level = (typeof LEVELS)[number];
const isLevel = (value: string): value is Level => (LEVELS as readonly string[]).includes(value);
const moreSevere = (a: string, b: Level): Level =>
  isLevel(a) && LEVELS.indexOf(a) > LEVELS.indexOf(b) ? a : b;

export interface ShopApiDeps {
  config: ShopApiSettings;
  logger: Logger;
  /** What the routes call: the rest of the shop, behind whatever transport the app chose. */
  ports: ShopApiPorts;
  /** Where the order events this process hears arrive (the app feeds it; tests directly). */
  orderEvents: OrderStatusHub;
}

/**
 * Builds the public HTTP API without listening: `app.inject()` exercises it in-process, `app.listen()`
 * serves. Closing it ends the open order streams; the ports belong to the caller, who closes them.
 */
export async function buildShopApi({
  config,
  logger,
  ports,
  orderEvents,
}: ShopApiDeps): Promise<FastifyInstance> {
  // The pino logger is typed as Fastify's base logger, so that plugins typed for any Fastify fit.
  const app = Fastify<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    loggerInstance: logger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Refused in the one error shape below instead of Fastify's own body.
    return503OnClosing: false,
  });

  // Bodies are checked as sent (a "2" is not a number); query strings and headers are text, converted first.
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  // JSON only: anything else is a 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  // Every answer names its trace, so a client (or a person with curl) can look it up in Jaeger.
  app.addHook('onRequest', (_request, reply, done) => {
    const traced = traceResponse();
    if (traced) void reply.header('traceresponse', traced.header).header('x-trace-id', traced.traceId);
    done();
  });
  registerErrorHandling(app);

  await registerOpenApi(app);
  const authenticate = registerAuth(app, {
    publicKeyPem: config.JWT_PUBLIC_KEY,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });

  // Probes succeed by the thousand: they log warnings and worse only, and never below the logger's level.
  await app.register(healthRoutes, {
    readiness: ports.readiness,
    logLevel: moreSevere(logger.level, 'warn'),
  });

  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  await app.register(async (api) => {
    // Once closing, requests that arrive on kept-alive connections are refused in the usual error shape
    // (Fastify's built-in refusal has a shape of its own). The probes keep answering.
    api.addHook('onRequest', (_request, reply, done) => {
      if (!closing) return done();
      void reply.header('Connection', 'close');
      done(unavailable('The server is shutting down; try again'));
    });
    await registerRateLimits(api);
    const limits = rateLimitsOf(config);
    await api.register(userRoutes, { users: ports.users, authenticate, limits });
    await api.register(authRoutes, { users: ports.users, limits });
    await api.register(orderRoutes, { orders: ports.orders, authenticate, limits });
    await api.register(productRoutes, { catalog: ports.catalog });
    await api.register(orderEventRoutes, { orders: ports.orders, authenticate, hub: orderEvents, config });
    await api.register(emailRoutes, { email: ports.email, authenticate });
  });
  await app.register(browserTelemetryRoutes, browserTelemetryOptions(config));
  await app.register(storefrontRoutes, { root: config.STOREFRONT_DIR, jaegerUiUrl: config.JAEGER_UI_URL });
  return app;
}
