import { loadConfig } from '@shop/config';
import { handleShutdown, runMain, untilAvailable } from '@shop/lifecycle';
import { createLogger } from '@shop/logger';
import { createOrderStatusHub } from '@shop/shop-api';
import { createMonolith, type Monolith } from './app';
import { monolithConfigSchema } from './config';
import { closeModuleDatabases, openModuleDatabases, type ModulePools } from './module-databases';

const SERVICE = 'monolith';

// The composition root: everything is built and wired here, and nowhere else starts anything.
runMain(async () => {
  const config = loadConfig(monolithConfigSchema);
  const logger = createLogger({ service: SERVICE, level: config.LOG_LEVEL });
  // Signals and the lifeline are handled from here on: a stop asked for while the monolith waits for
  // its database, or while it starts, must end it gracefully too, not leave it running or kill it.
  const stopped = new AbortController();
  const running: { pools?: ModulePools; monolith?: Monolith } = {};
  handleShutdown({
    logger,
    timeoutMs: config.SHUTDOWN_GRACE_MS + 5_000,
    lifelineFd: config.LIFELINE_FD,
    stop: async () => {
      stopped.abort();
      await running.monolith?.stop();
      if (running.pools) await closeModuleDatabases(running.pools);
    },
  });
  // A database that is not up yet (started together, or restarting) delays the start; it is no crash.
  await untilAvailable(
    async () => {
      running.pools = await openModuleDatabases(config, logger, SERVICE);
    },
    'database',
    logger,
    stopped.signal,
  );
  if (stopped.signal.aborted || !running.pools) return;
  const orderEvents = createOrderStatusHub((error) =>
    logger.error({ err: error }, 'an order stream failed to take a change'),
  );
  const monolith = await createMonolith({ config, logger, pools: running.pools, orderEvents });
  if (stopped.signal.aborted) return;
  running.monolith = monolith;
  const port = await monolith.start();
  logger.info({ port }, `${SERVICE} started`);
});
