import { loadConfig, z, type KafkaEnv, type PostgresEnv } from '@shop/config';
import { connectionFromEnv, createPool, runMigrations, type Migration, type Pool } from '@shop/db';
import { createKafka } from '@shop/kafka';
import { createLogger, type Logger } from '@shop/logger';
import type { Kafka } from 'kafkajs';
import { handleShutdown, runMain } from './shutdown';

/** What every gRPC service's config holds, whatever else it adds. */
export type ServiceConfig = PostgresEnv &
  Pick<KafkaEnv, 'KAFKA_BROKERS'> & {
    LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
    SHUTDOWN_GRACE_MS: number;
  };

export interface ServiceDeps<Config> {
  config: Config;
  pool: Pool;
  kafka: Kafka;
  logger: Logger;
}

export interface RunnableService {
  /** Starts serving; resolves with the bound gRPC port. */
  start(): Promise<number>;
  /** Drains and stops what `start` started. */
  stop(): Promise<void>;
}

export interface RunServiceOptions<Config extends ServiceConfig> {
  name: string;
  configSchema: z.ZodType<Config>;
  migrations: readonly Migration[];
  create(deps: ServiceDeps<Config>): RunnableService;
}

/**
 * The composition root shared by the gRPC services, in the order that keeps them honest: config
 * (fails readably), logger, database pool, the service's own migrations before anything serves, Kafka,
 * the service, then a graceful stop on SIGTERM that drains the service before closing the pool.
 */
export function runService<Config extends ServiceConfig>(options: RunServiceOptions<Config>): void {
  runMain(async () => {
    const config = loadConfig(options.configSchema);
    const logger = createLogger({ service: options.name, level: config.LOG_LEVEL });
    const pool = createPool(connectionFromEnv(config), {
      applicationName: options.name,
      max: config.PG_POOL_MAX,
    });
    await runMigrations(pool, options.migrations, logger);
    const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: options.name, logger });
    const service = options.create({ config, pool, kafka, logger });
    const port = await service.start();
    logger.info({ port }, `${options.name} started`);
    handleShutdown({
      logger,
      timeoutMs: config.SHUTDOWN_GRACE_MS + 5_000,
      stop: async () => {
        await service.stop();
        await pool.end();
      },
    });
  });
}
