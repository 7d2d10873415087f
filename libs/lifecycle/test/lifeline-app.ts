/**
 * A minimal app for lifeline.spec.ts: logs all the time (so a write is in flight when its output's reader
 * goes), and stops gracefully on SIGTERM or, when LIFELINE_FD is set, when the lifeline closes.
 */
import { loadConfig, lifelineEnv, z } from '@shop/config';
import { createLogger } from '@shop/logger';
import { handleShutdown, runMain } from '../src';

runMain(async () => {
  const config = loadConfig(z.object(lifelineEnv));
  const logger = createLogger({ service: 'lifeline-app' });
  const ticking = setInterval(() => logger.info('tick'), 2);
  handleShutdown({
    logger,
    timeoutMs: 5_000,
    lifelineFd: config.LIFELINE_FD,
    stop: () => {
      clearInterval(ticking);
      return Promise.resolve();
    },
  });
  logger.info('ready');
  return Promise.resolve();
});
