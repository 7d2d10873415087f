import { resolve } from 'node:path';
import { faultFlagsEnv, lifelineEnv, logEnv, pemKey, port, z } from '@shop/config';
import type { PostgresConnection } from '@shop/db';

const positiveInt = (description: string, fallback: number) =>
  z.coerce.number().int().positive().default(fallback).describe(description);

const milliseconds = (description: string, fallback: number) =>
  z.coerce.number().int().min(0).default(fallback).describe(description);

const optionalUrl = (description: string) =>
  z
    .preprocess((value) => (value === '' ? undefined : value), z.string().url().optional())
    .describe(description);

const optionalPassword = (module: string) =>
  z
    .string()
    .optional()
    .describe(
      `Password of the ${module} module's role, set on every start (omit where the server trusts local connections).`,
    );

// `Name <address>` or a bare address; the domain of the address also names the Message-IDs.
const MAILBOX = /^(?:[^<>]*<)?[^\s@<>]+@([^\s@<>]+\.[^\s@<>]+)>?$/;

/** The domain of a From mailbox, e.g. `shop.example` for `"Shop" <no-reply@shop.example>`. */
export function mailboxDomain(mailbox: string): string {
  const domain = MAILBOX.exec(mailbox.trim())?.[1];
  if (!domain) throw new Error(`not a mailbox: ${mailbox}`);
  return domain;
}

/**
 * `postgres://user:password@host:port/database`: the one database the modules share, as a role that may
 * create roles and schemas there (it provisions each module's; the modules never use it).
 */
const databaseUrl = z
  .string()
  .transform((value, ctx): PostgresConnection => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a postgres:// URL' });
      return z.NEVER;
    }
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    if (!['postgres:', 'postgresql:'].includes(url.protocol) || !url.username || !database) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be postgres://user[:password]@host[:port]/database, with a user and a database',
      });
      return z.NEVER;
    }
    return {
      host: url.hostname || '127.0.0.1',
      port: url.port ? Number(url.port) : 5432,
      user: decodeURIComponent(url.username),
      password: url.password ? decodeURIComponent(url.password) : undefined,
      database,
    };
  })
  .describe(
    'The database the modules share, as a role that may create roles and schemas: postgres://user[:password]@host[:port]/database (it must exist). On start each module gets its schema (users, orders, payments, email) and its own role, named <database>_<module>, and connects as that role only; this role is used for nothing else.',
  );

/** The storefront, and the intake of its browser traces: the same settings as the gateway's. */
const storefrontEnv = {
  STOREFRONT_DIR: z
    .string()
    .min(1)
    // The bundle runs from dist/apps/monolith; the storefront's build lands next to it.
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

/**
 * The shop as one process: the public API of the gateway (same variable names, same defaults) over the
 * four modules, which keep the settings their services have (JWT signing, the card network, SMTP).
 */
export const monolithConfigSchema = z.object({
  ...logEnv,
  ...lifelineEnv,
  ...faultFlagsEnv,
  // The same names as the gateway's: the monolith serves the same public API on the same port.
  GATEWAY_HOST: z.string().default('0.0.0.0').describe('Address the HTTP server binds.'),
  GATEWAY_PORT: port('Port the HTTP server listens on (0 picks a free one).', 8080),
  BODY_LIMIT_BYTES: positiveInt('Largest request body accepted; larger ones are answered 413.', 65_536),
  SHUTDOWN_GRACE_MS: positiveInt('How long in-flight requests may take to finish on SIGTERM.', 10_000),
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
    "Deadline of each module's database check behind /readyz; short, so a probe is answered before it times out.",
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
  ...storefrontEnv,

  DATABASE_URL: databaseUrl,
  USERS_DB_PASSWORD: optionalPassword('users'),
  ORDERS_DB_PASSWORD: optionalPassword('orders'),
  PAYMENTS_DB_PASSWORD: optionalPassword('payments'),
  EMAIL_DB_PASSWORD: optionalPassword('email'),
  PG_POOL_MAX: positiveInt("Most connections in each module's pool.", 5),

  // The users module signs the tokens and the API verifies them with the public half of the same key.
  JWT_PRIVATE_KEY: pemKey('Ed25519 private key (PKCS#8 PEM) that signs access tokens.'),
  JWT_ISSUER: z.string().default('shop-users').describe('`iss` of the access tokens.'),
  JWT_AUDIENCE: z.string().default('shop-api').describe('`aud` of the access tokens.'),
  JWT_TTL_SECONDS: z.coerce.number().int().positive().default(900).describe('Lifetime of an access token.'),

  CARD_NETWORK_LATENCY_MS: milliseconds('Mean response time of the simulated card network.', 50),
  CARD_NETWORK_JITTER_MS: milliseconds(
    'The simulated card network answers within latency ± this much, uniformly spread.',
    20,
  ),

  SMTP_URL: z
    .url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' })
    .describe(
      'Mail server to send through, e.g. smtp://127.0.0.1:1025 (credentials as smtp://user:pass@host:port).',
    ),
  MAIL_FROM: z
    .string()
    .default('"Shop" <no-reply@shop.example>')
    .refine((value) => MAILBOX.test(value.trim()), 'must be an address or "Name" <address>')
    .describe('From of every mail; its domain also names the Message-IDs.'),
});

export type MonolithConfig = z.output<typeof monolithConfigSchema>;
