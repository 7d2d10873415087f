import type { Kafka } from 'kafkajs';
import { accessTokenSettings, createAccessTokenVerifier } from '@shop/access-token';
import { descriptorSet } from '@shop/contracts';
import type { Pool } from '@shop/db';
import { openFaultFlags } from '@shop/fault-flags';
import { createGrpcServer } from '@shop/grpc';
import { topicName, type RunningConsumer } from '@shop/kafka';
import type { Logger } from '@shop/logger';
import { grpcClientSecurity, grpcServerSecurity } from '@shop/service-identity';
import { startOutboxRelay, type OutboxRelay } from '@shop/messaging';
import { createOrdersModule } from '@shop/orders-module';
import type { OrdersConfig } from './config';
import { createUsersCustomerDirectory } from './data-access/customer-directory';
import { ordersCallers } from './entry-points/grpc/callers';
import { catalogGrpcService } from './entry-points/grpc/catalog-grpc-service';
import { ordersGrpcService } from './entry-points/grpc/orders-grpc-service';
import { startPaymentEventsConsumer } from './entry-points/kafka/payment-events-consumer';

export interface OrdersServiceDeps {
  config: OrdersConfig;
  pool: Pool;
  kafka: Kafka;
  logger: Logger;
}

/** Builds the orders service without starting it, so a test can start it in-process on port 0. */
export function createOrdersService({ config, pool, kafka, logger }: OrdersServiceDeps) {
  let relay: OutboxRelay | undefined;
  let consumer: RunningConsumer | undefined;
  const faults = openFaultFlags({ file: config.FLAGS_FILE, logger });
  const customers = createUsersCustomerDirectory({
    address: config.USERS_SERVICE_ADDRESS,
    deadlineMs: config.USERS_DEADLINE_MS,
    ...grpcClientSecurity(config, 'users-service', logger),
  });
  const orders = createOrdersModule({
    pool,
    eventsWritten: () => relay?.wake(),
    orderEventsTopic: topicName(config, 'orderEvents'),
    customers,
    logger,
    faults,
  });
  const { useCases } = orders;
  const grpc = createGrpcServer({
    services: [
      ordersGrpcService(useCases, createAccessTokenVerifier(accessTokenSettings(config)), logger),
      catalogGrpcService(orders.catalog, logger),
    ],
    logger,
    reflection: descriptorSet(),
    probePort: config.GRPC_PROBE_PORT,
    ...grpcServerSecurity(config, ordersCallers, logger),
  });

  return {
    useCases,
    /** Starts publishing, consuming payment outcomes and serving; resolves with the bound gRPC port. */
    async start(): Promise<number> {
      relay = startOutboxRelay({ pool, kafka, logger });
      consumer = await startPaymentEventsConsumer({ config, kafka, logger, handlers: orders.eventHandlers });
      return grpc.listen(config.GRPC_HOST, config.GRPC_PORT);
    },
    /** Reports NOT_SERVING on the health protocol while a dependency the calls need is away. */
    setServing: (serving: boolean) => grpc.setServing(serving),
    /**
     * Drains gRPC calls first, then finishes the payment events in hand, then stops publishing: events
     * written by the last calls and the last payment outcomes still go out.
     */
    async stop(): Promise<void> {
      await grpc.shutdown(config.SHUTDOWN_GRACE_MS);
      customers.close();
      await consumer?.stop();
      await relay?.stop();
      await faults.close();
    },
  };
}
