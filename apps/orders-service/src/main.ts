import { loadConfig } from '@shop/config';
import { connectionFromEnv, createPool, runMigrations } from '@shop/db';
import { createKafka } from '@shop/kafka';
import { handleShutdown, runMain } from '@shop/lifecycle';
import { createLogger } from '@shop/logger';
import { createOrdersService } from './app';
import { ordersConfigSchema } from './config';
import { migrations } from './data-access/migrations';

const SERVICE = 'orders-service';

runMain(async () => {
  const config = loadConfig(ordersConfigSchema);
  const logger = createLogger({ service: SERVICE, level: config.LOG_LEVEL });
  const pool = createPool(connectionFromEnv(config), { applicationName: SERVICE, max: config.PG_POOL_MAX });
  await runMigrations(pool, migrations, logger);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: SERVICE, logger });
  const service = createOrdersService({ config, pool, kafka, logger });
  const port = await service.start();
  logger.info({ port }, `${SERVICE} started`);
  handleShutdown({
    logger,
    timeoutMs: config.SHUTDOWN_GRACE_MS + 5_000,
    stop: async () => {
      await service.stop();
      await pool.end();
    },
  });
});
