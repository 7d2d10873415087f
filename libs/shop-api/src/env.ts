import { port, positiveInt, z } from '@shop/config';

// An empty value (as compose and env files write an unset one) counts as unset.
const optionalUrl = (description: string) =>
  z
    .preprocess((value) => (value === '' ? undefined : value), z.string().url().optional())
    .describe(description);

/**
 * The environment of the public API, with the same names and defaults in every app that serves it (the
 * gateway, the monolith): its server, rate limits, probes, live order streams, the storefront and the
 * intake of its browser traces. The key that verifies access tokens is the app's own affair (the gateway
 * is given the public key, the monolith derives it), so it is not among them.
 *
 * `storefrontDir` is the default of STOREFRONT_DIR, the storefront's build as the app's bundle finds it.
 */
export const shopApiEnv = (storefrontDir: string) => ({
  GATEWAY_HOST: z.string().default('0.0.0.0').describe('Address the HTTP server binds.'),
  GATEWAY_PORT: port('Port the HTTP server listens on (0 picks a free one).', 8080),
  BODY_LIMIT_BYTES: positiveInt('Largest request body accepted; larger ones are answered 413.', 65_536),
  SHUTDOWN_GRACE_MS: positiveInt('How long in-flight requests may take to finish on SIGTERM.', 10_000),
  // Generous enough for the load generator (one address, its sign-up scenario at 20/s; checkout at
  // 60/s over 20 users), far below what a script guessing passwords or filling the database would send.
  RATE_LIMIT_WINDOW_MS: positiveInt('Window of the rate limits below.', 60_000),
  RATE_LIMIT_SIGNUPS: positiveInt(
    'Sign-ups (POST /v1/users) per client address per window; more: 429.',
    1_200,
  ),
  RATE_LIMIT_TOKENS: positiveInt(
    'Sign-ins (POST /v1/auth/token) per client address per window; more: 429.',
    1_200,
  ),
  RATE_LIMIT_ORDERS: positiveInt('Orders placed (POST /v1/orders) per user per window; more: 429.', 1_200),
  READINESS_DEADLINE_MS: positiveInt(
    'Deadline of each dependency check behind /readyz; short, so a probe is answered before it times out.',
    1_000,
  ),
  ORDER_EVENTS_RECHECK_MS: positiveInt(
    'While an order stream is open, how often the order is read again, in case an event was missed.',
    10_000,
  ),
  ORDER_EVENTS_HEARTBEAT_MS: positiveInt(
    'How often an open order stream sends a comment, so that proxies keep the connection.',
    15_000,
  ),
  STOREFRONT_DIR: z
    .string()
    .min(1)
    .default(storefrontDir)
    .describe(
      'Directory of the built storefront served at / (default: dist/apps/storefront next to the bundle). Missing: a warning, and / answers 404; the API is unaffected.',
    ),
  JAEGER_UI_URL: optionalUrl(
    "Jaeger's UI, for the order page's link to its trace (compose: http://localhost:16686). Unset: no link.",
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl(
    "The collector's OTLP/HTTP base URL; browser traces posted to /otlp/v1/traces are forwarded to its /v1/traces. Unset: accepted and dropped.",
  ),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl(
    "The collector's OTLP/HTTP traces URL, used as is; overrides OTEL_EXPORTER_OTLP_ENDPOINT.",
  ),
  BROWSER_TRACES_BODY_LIMIT_BYTES: positiveInt(
    'Largest batch of browser traces accepted; larger: 413.',
    131_072,
  ),
  BROWSER_TRACES_PER_MINUTE: positiveInt(
    'Batches of browser traces each client address may post per minute.',
    120,
  ),
  BROWSER_TRACES_FORWARD_TIMEOUT_MS: positiveInt(
    'How long forwarding a batch to the collector may take.',
    5_000,
  ),
});
