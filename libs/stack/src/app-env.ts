import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import {
  ADDRESS_VARIABLE,
  MONOLITH,
  MONOLITH_MODULES,
  monolithModuleRole,
  PEERS,
  type AppName,
  type ServiceName,
  type StackApp,
} from './apps';
import type { StackOptions } from './start-stack';

/** What every app's environment is made from. */
export interface AppEnvContext {
  options: Pick<StackOptions, 'env' | 'postgres' | 'topicPrefix'>;
  kafkaBrokers: string;
  smtpUrl: string;
  /** gRPC addresses per service, as replica lists. */
  addresses: Record<ServiceName, string>;
  databases: Record<ServiceName, string>;
  /** The run's token signing key pair. */
  keys: { publicKey: KeyObject; privateKey: KeyObject };
  /** The fault flags file every app follows. */
  flagsFile: string;
  /** Holds a directory of TLS material per app (its GRPC_TLS_DIR). */
  certsDir: string;
}

/** What every app's environment shares, whichever architecture: telemetry, fault flags, the caller's env. */
function commonEnv(options: Pick<StackOptions, 'env'>, app: StackApp, flagsFile: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...options.env,
    OTEL_SERVICE_NAME: app,
    // Logs go to the terminal and the log files here; exporting them too is opt-in.
    OTEL_LOGS_EXPORTER: options.env?.['OTEL_LOGS_EXPORTER'] ?? process.env['OTEL_LOGS_EXPORTER'] ?? 'none',
    // Without somewhere to send telemetry, the SDK stays off rather than retrying exports forever.
    OTEL_SDK_DISABLED:
      options.env?.['OTEL_SDK_DISABLED'] ??
      process.env['OTEL_SDK_DISABLED'] ??
      (options.env?.['OTEL_EXPORTER_OTLP_ENDPOINT'] || process.env['OTEL_EXPORTER_OTLP_ENDPOINT']
        ? 'false'
        : 'true'),
    FLAGS_FILE: flagsFile,
  };
}

/** The environment of one replica: its own port and name, its peers, its database, the shared pieces. */
export function appEnv(context: AppEnvContext, app: AppName, port: number, label: string): NodeJS.ProcessEnv {
  const { options, keys } = context;
  const publicKeyPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const env: NodeJS.ProcessEnv = {
    ...commonEnv(options, app, context.flagsFile),
    KAFKA_BROKERS: context.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: options.topicPrefix ?? '',
    GRPC_TLS_DIR: join(context.certsDir, app),
  };
  for (const peer of PEERS[app]) env[ADDRESS_VARIABLE[peer]] = context.addresses[peer];
  if (app === 'gateway') {
    return {
      ...env,
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(port),
      JWT_PUBLIC_KEY: publicKeyPem,
    };
  }
  const database = context.databases[app];
  return {
    ...env,
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: String(port),
    PGHOST: options.postgres.host,
    PGPORT: String(options.postgres.port),
    PGUSER: database,
    PGPASSWORD: database,
    PGDATABASE: database,
    // Names the replica's connections in pg_stat_activity: which one holds a lock, say.
    PGAPPNAME: label,
    // Services verify the caller's access token; users-service uses the public half of its own key.
    ...(app !== 'users-service' && { JWT_PUBLIC_KEY: publicKeyPem }),
    ...(app === 'users-service' && {
      JWT_PRIVATE_KEY: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    }),
    ...(app === 'email-service' && { SMTP_URL: context.smtpUrl }),
  };
}

/** What the monolith's environment is made from. */
export interface MonolithEnvContext {
  options: Pick<StackOptions, 'env' | 'postgres'>;
  smtpUrl: string;
  /** Its one database; it provisions its modules' schemas and roles there itself. */
  database: string;
  /** The run's token signing key: the monolith signs and verifies with it. */
  privateKey: KeyObject;
  flagsFile: string;
}

/**
 * The monolith's environment (apps/monolith/src/config.ts): the gateway's HTTP settings, the database as
 * the admin role (it creates the modules' roles, named `<database>_<module>`, each with its name as its
 * password, as the services' roles have), the signing key, SMTP, and what every app shares.
 */
export function monolithEnv(context: MonolithEnvContext, port: number): NodeJS.ProcessEnv {
  const { postgres } = context.options;
  const url = new URL(`postgres://${postgres.host}:${postgres.port}/${context.database}`);
  url.username = postgres.user;
  if (postgres.password) url.password = postgres.password;
  // USERS_DB_PASSWORD, ...: each module's role gets its name as its password.
  const passwords = Object.fromEntries(
    MONOLITH_MODULES.map((module) => [
      `${module.toUpperCase()}_DB_PASSWORD`,
      monolithModuleRole(context.database, module),
    ]),
  );
  return {
    ...commonEnv(context.options, MONOLITH, context.flagsFile),
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: String(port),
    DATABASE_URL: url.toString(),
    ...passwords,
    JWT_PRIVATE_KEY: context.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    SMTP_URL: context.smtpUrl,
  };
}
