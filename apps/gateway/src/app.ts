import type { Logger } from '@shop/logger';
import { buildShopApi, type OrderStatusHub } from '@shop/shop-api';
import type { FastifyInstance } from 'fastify';
import { grpcPorts } from './adapters';
import type { GatewayConfig } from './config';
import type { GrpcClients } from './grpc-clients';

export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  clients: GrpcClients;
  /** Where the order events this replica hears arrive (main.ts feeds it from Kafka; tests directly). */
  orderEvents: OrderStatusHub;
}

/**
 * The shop's public API over the services' gRPC clients, without listening: `app.inject()` exercises
 * it in-process, `app.listen()` serves. Closing it does not close the gRPC clients, which the caller owns.
 */
export async function buildGateway({
  config,
  logger,
  clients,
  orderEvents,
}: GatewayDeps): Promise<FastifyInstance> {
  return buildShopApi({ config, logger, orderEvents, ports: grpcPorts(clients) });
}
