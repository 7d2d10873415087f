/**
 * The settings the API reads, named as the environment names them, so that an app's loaded config
 * (the gateway's, a monolith's) is passed as it is. `shopApiEnv` (env.ts) documents and defaults them
 * for the apps' config schemas, all but the key that verifies access tokens (the gateway is given it,
 * the monolith derives it).
 */
export interface ShopApiSettings {
  /** Largest request body accepted; larger ones are answered 413. */
  BODY_LIMIT_BYTES: number;
  RATE_LIMIT_WINDOW_MS: number;
  /** Sign-ups per client address per window. */
  RATE_LIMIT_SIGNUPS: number;
  /** Sign-ins per client address per window. */
  RATE_LIMIT_TOKENS: number;
  /** Orders placed per user per window. */
  RATE_LIMIT_ORDERS: number;
  /** Ed25519 public key (SPKI PEM) that verifies access tokens, with their required issuer and audience. */
  JWT_PUBLIC_KEY: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  /** While an order stream is open, how often the order is read again, in case an event was missed. */
  ORDER_EVENTS_RECHECK_MS: number;
  /** How often an open order stream sends a comment, so that proxies keep the connection. */
  ORDER_EVENTS_HEARTBEAT_MS: number;
  /** Directory of the built storefront served at /; without an index.html there, / answers 404. */
  STOREFRONT_DIR: string;
  /** Jaeger's UI, for the order page's link to its trace; none: no link. */
  JAEGER_UI_URL?: string | undefined;
  /** Where browser traces are forwarded (OTLP/HTTP base URL, or the traces URL itself); none: dropped. */
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
  BROWSER_TRACES_BODY_LIMIT_BYTES: number;
  BROWSER_TRACES_PER_MINUTE: number;
  BROWSER_TRACES_FORWARD_TIMEOUT_MS: number;
}
