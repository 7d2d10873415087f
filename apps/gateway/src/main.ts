import { loadConfig } from '@shop/config';
import { handleShutdown, runMain } from '@shop/lifecycle';
import { createLogger } from '@shop/logger';
import { createOrderStatusHub } from '@shop/shop-api';
import { buildGateway } from './app';
import { gatewayConfigSchema } from './config';
import { createGrpcClients } from './grpc-clients';
import { listenToOrderEvents } from './order-events/order-event-listener';

const SERVICE = 'gateway';

runMain(async () => {
  const config = loadConfig(gatewayConfigSchema);
  const logger = createLogger({ service: SERVICE, level: config.LOG_LEVEL });
  const clients = createGrpcClients(config, logger);
  const orderEvents = createOrderStatusHub((error) =>
    logger.error({ err: error }, 'an order stream failed to take a change'),
  );
  const app = await buildGateway({ config, logger, clients, orderEvents });
  // Not awaited: the broker being away delays live updates (the streams re-read the order meanwhile),
  // it never keeps the API from serving.
  const listener = listenToOrderEvents(config, orderEvents, logger);
  await app.listen({ host: config.GATEWAY_HOST, port: config.GATEWAY_PORT });
  handleShutdown({
    logger,
    timeoutMs: config.SHUTDOWN_GRACE_MS + 5_000,
    lifelineFd: config.LIFELINE_FD,
    stop: async () => {
      // Requests still running after the grace period lose their connection rather than hold the stop.
      const cutOff = setTimeout(() => app.server.closeAllConnections(), config.SHUTDOWN_GRACE_MS);
      try {
        // Open order streams end at preClose, so they never hold the stop.
        await app.close();
      } finally {
        clearTimeout(cutOff);
      }
      await listener.stop();
      clients.close();
    },
  });
});
