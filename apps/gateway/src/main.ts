import { loadConfig } from '@shop/config';
import { handleShutdown, runMain } from '@shop/lifecycle';
import { createLogger } from '@shop/logger';
import { buildGateway } from './app';
import { gatewayConfigSchema } from './config';
import { createGrpcClients } from './grpc-clients';

const SERVICE = 'gateway';

runMain(async () => {
  const config = loadConfig(gatewayConfigSchema);
  const logger = createLogger({ service: SERVICE, level: config.LOG_LEVEL });
  const clients = createGrpcClients(config);
  const app = await buildGateway({ config, logger, clients });
  await app.listen({ host: config.GATEWAY_HOST, port: config.GATEWAY_PORT });
  handleShutdown({
    logger,
    timeoutMs: config.SHUTDOWN_GRACE_MS + 5_000,
    lifelineFd: config.LIFELINE_FD,
    stop: async () => {
      // Requests still running after the grace period lose their connection rather than hold the stop.
      const cutOff = setTimeout(() => app.server.closeAllConnections(), config.SHUTDOWN_GRACE_MS);
      try {
        await app.close();
      } finally {
        clearTimeout(cutOff);
      }
      clients.close();
    },
  });
});
