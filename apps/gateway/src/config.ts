import { resolve } from 'node:path';
import { grpcTarget, grpcTransportEnv, kafkaEnv, lifelineEnv, logEnv, pemKey, port, z } from '@shop/config';

const positiveInt = (description: string, fallback: number) =>
  z.coerce.number().int().positive().default(fallback).describe(description);

const optionalUrl = (description: string) =>
  z
    .preprocess((value) => (value === '' ? undefined : value), z.string().url().optional())
    .describe(description);

/** The storefront, and the intake of its browser traces. */
const storefrontEnv = {
  STOREFRONT_DIR: z
    .string()
    .min(1)
    // The bundle runs from dist/apps/gateway; the storefront's build lands next to it.
    .default(resolve(__dirname, '../storefront'))
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
};

export const gatewayConfigSchema = z.object({
  ...logEnv,
  ...lifelineEnv,
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
  GRPC_DEADLINE_MS: positiveInt('Deadline of every call to a downstream service.', 3_000),
  READINESS_DEADLINE_MS: positiveInt(
    'Deadline of each health check behind /readyz; short, so a probe is answered before it times out.',
    1_000,
  ),
  USERS_SERVICE_ADDRESS: grpcTarget('gRPC address of the users service.'),
  ORDERS_SERVICE_ADDRESS: grpcTarget('gRPC address of the orders service.'),
  EMAIL_SERVICE_ADDRESS: grpcTarget(
    'gRPC address of the email service (GET /v1/users/me/emails; /readyz reports it as degraded).',
  ),
  ...grpcTransportEnv,
  JWT_PUBLIC_KEY: pemKey('Ed25519 public key (SPKI PEM) that verifies access tokens.'),
  JWT_ISSUER: z.string().default('shop-users').describe('Required `iss` of access tokens.'),
  JWT_AUDIENCE: z.string().default('shop-api').describe('Required `aud` of access tokens.'),
  // The order events that live order streams follow; the gateway only listens, so the trace-context
  // switch of the work-sharing consumers does not apply.
  KAFKA_BROKERS: kafkaEnv.KAFKA_BROKERS,
  KAFKA_TOPIC_PREFIX: kafkaEnv.KAFKA_TOPIC_PREFIX,
  KAFKA_FETCH_MAX_WAIT_MS: kafkaEnv.KAFKA_FETCH_MAX_WAIT_MS,
  KAFKA_SESSION_TIMEOUT_MS: kafkaEnv.KAFKA_SESSION_TIMEOUT_MS,
  KAFKA_HEARTBEAT_INTERVAL_MS: kafkaEnv.KAFKA_HEARTBEAT_INTERVAL_MS,
  ORDER_EVENTS_RECHECK_MS: positiveInt(
    'While an order stream is open, how often the order is read again, in case an event was missed.',
    10_000,
  ),
  ORDER_EVENTS_HEARTBEAT_MS: positiveInt(
    'How often an open order stream sends a comment, so that proxies keep the connection.',
    15_000,
  ),
  ...storefrontEnv,
});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
