import { z } from 'zod';
import { ConfigError } from './load-config';

/**
 * Fragments of config schemas shared by the apps, with the standard variable names where they exist
 * (`PG*` as libpq reads them, `KAFKA_BROKERS`, `LOG_LEVEL`). Each app composes its own schema from these.
 */

export const port = (description: string, fallback: number) =>
  z.coerce.number().int().min(0).max(65535).default(fallback).describe(description);

/** A whole number above zero (a count, a size, a duration in ms), with its default. */
export const positiveInt = (description: string, fallback: number) =>
  z.coerce.number().int().positive().default(fallback).describe(description);

const durationMs = positiveInt;

export const logEnv = {
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('Lowest log level written (pino levels).'),
};

export const postgresEnv = {
  PGHOST: z.string().default('127.0.0.1').describe("Postgres host of the app's own database."),
  PGPORT: port('Postgres port.', 5432),
  PGUSER: z.string().min(1).describe("The app's own database role."),
  PGPASSWORD: z.string().optional().describe("The role's password (omit for trust/peer auth)."),
  PGDATABASE: z.string().min(1).describe("The app's own database."),
  PG_POOL_MAX: positiveInt('Most connections in the pool.', 10),
  PGAPPNAME: z
    .string()
    .optional()
    .describe(
      "Names the app's connections in pg_stat_activity (default: the app's name); the native stack sets the replica, as `orders-service#2`.",
    ),
};

export type PostgresEnv = z.output<z.ZodObject<typeof postgresEnv>>;

/**
 * A supervising parent that is not an orchestrator (the native stack's launcher) hands the app one end of
 * a pipe and never writes to it: when it closes, the parent is gone however it ended (even SIGKILL), and
 * the app stops as on SIGTERM rather than run on as an orphan. Compose and Kubernetes leave it unset.
 */
export const lifelineEnv = {
  LIFELINE_FD: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      'File descriptor of a pipe from a supervising parent (the native stack passes 3): the app shuts down gracefully when it closes. Unset: nothing is watched.',
    ),
};

/** Off unless set: the fault flags (libs/fault-flags) that break the app on purpose, for drills. */
export const faultFlagsEnv = {
  FLAGS_FILE: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Fault flags file in flagd format (deploy/flags/faults.flagd.json), followed as it changes; `npm run flags` edits it. Unset: every fault off.',
    ),
};

export const grpcServerEnv = {
  GRPC_HOST: z.string().default('0.0.0.0').describe('Address the gRPC server binds.'),
  GRPC_PORT: port('Port the gRPC server listens on (0 picks a free one).', 50051),
  GRPC_PROBE_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .optional()
    .describe(
      'A second, plaintext port serving only grpc.health.v1 (same statuses as GRPC_PORT), for probes that cannot present a client certificate (kubelet, Docker HEALTHCHECK). Unset: none.',
    ),
  SHUTDOWN_GRACE_MS: durationMs('How long in-flight work may take to drain on SIGTERM.', 10_000),
  ...lifelineEnv,
};

export const kafkaEnv = {
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform((value) =>
      value
        .split(',')
        .map((broker) => broker.trim())
        .filter(Boolean),
    )
    .describe('Comma-separated Kafka bootstrap servers, host:port.'),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .default('')
    .describe('Prepended to every topic name, so that several environments can share one cluster.'),
  KAFKA_FETCH_MAX_WAIT_MS: durationMs('Longest a fetch waits for new messages before it returns empty.', 500),
  KAFKA_SESSION_TIMEOUT_MS: durationMs(
    'Consumer group session timeout; a rebalance waits about this long.',
    30_000,
  ),
  KAFKA_HEARTBEAT_INTERVAL_MS: durationMs(
    'Consumer heartbeat interval; keep it well under the session timeout.',
    3_000,
  ),
  KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      "Partitions a consumer handles at once, each in order (default: a topic's partition count, so one replica never queues one partition's events behind another's).",
    ),
  KAFKA_CONSUMER_TRACE_CONTEXT: z
    .enum(['parent', 'link'])
    .default('parent')
    .describe(
      "How a consumed message's processing joins the producer's trace: as its child (parent) or in a new trace with a span link (link).",
    ),
};

export type KafkaEnv = z.output<z.ZodObject<typeof kafkaEnv>>;

/** A PEM key given inline; `\n` escapes are accepted so that it fits on one line of an env file. */
export const pemKey = (description: string) =>
  z
    .string()
    .transform((value) => value.replace(/\\n/g, '\n'))
    .refine((value) => /-----BEGIN [A-Z ]*KEY-----/.test(value), 'must be a PEM-encoded key')
    .describe(description);

/** A gRPC peer address: `host:port`, a comma-separated list of replicas, or a `dns:///name:port` target. */
export const grpcTarget = (description: string) => z.string().min(1).describe(description);

/**
 * How an app's gRPC traffic is protected: mutual TLS with the workload certificate in GRPC_TLS_DIR, or
 * plaintext only when asked for by name. An app given neither refuses to start (see grpcTransportOf)
 * rather than quietly talk plaintext.
 */
export const grpcTransportEnv = {
  GRPC_TLS_DIR: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Directory with the app's workload certificate for gRPC mutual TLS: tls.crt, tls.key and ca.crt (a cert-manager TLS Secret's layout). Its URI SAN spiffe://shop.local/<workload> is the app's identity.",
    ),
  GRPC_INSECURE: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => value === 'true')
    .describe(
      'true: gRPC without TLS, neither authenticating nor authorising peers (a warning is logged). For local experiments only; GRPC_TLS_DIR wins when both are set.',
    ),
};

export type GrpcTransportEnv = z.output<z.ZodObject<typeof grpcTransportEnv>>;

export type GrpcTransport = { kind: 'mtls'; tlsDir: string } | { kind: 'insecure'; warning: string };

/**
 * The transport the config chose; a ConfigError naming both variables when it chose none, so that the
 * app fails at start-up like on any other invalid configuration.
 */
export function grpcTransportOf(config: GrpcTransportEnv): GrpcTransport {
  if (config.GRPC_TLS_DIR !== undefined) return { kind: 'mtls', tlsDir: config.GRPC_TLS_DIR };
  if (config.GRPC_INSECURE) {
    return {
      kind: 'insecure',
      warning:
        'GRPC_INSECURE=true: gRPC runs without TLS; peers are neither authenticated nor authorised and traffic is readable on the wire',
    };
  }
  throw new ConfigError([
    'GRPC_TLS_DIR: not set, and neither is GRPC_INSECURE: set GRPC_TLS_DIR to a directory with tls.crt, tls.key and ca.crt for mutual TLS, or GRPC_INSECURE=true for plaintext',
  ]);
}
