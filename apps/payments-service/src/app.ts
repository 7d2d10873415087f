import { accessTokenSettings, createAccessTokenVerifier } from '@shop/access-token';
import { descriptorSet } from '@shop/contracts';
import type { Pool } from '@shop/db';
import { openFaultFlags } from '@shop/fault-flags';
import { createGrpcServer } from '@shop/grpc';
import { topicName, type RunningConsumer } from '@shop/kafka';
import type { Logger } from '@shop/logger';
import { grpcServerSecurity } from '@shop/service-identity';
import { startOutboxRelay, type OutboxRelay } from '@shop/messaging';
import { createPaymentsModule } from '@shop/payments-module';
import type { Kafka } from 'kafkajs';
import type { PaymentsConfig } from './config';
import { paymentsCallers } from './entry-points/grpc/callers';
import { paymentsGrpcService } from './entry-points/grpc/payments-grpc-service';
import { startOrderEventsConsumer } from './entry-points/kafka/order-events-consumer';

export interface PaymentsServiceDeps {
  config: PaymentsConfig;
  pool: Pool;
  kafka: Kafka;
  logger: Logger;
}

/** Builds the payments service without starting it, so a test can start it in-process on port 0. */
export function createPaymentsService({ config, pool, kafka, logger }: PaymentsServiceDeps) {
  let relay: OutboxRelay | undefined;
  let consumer: RunningConsumer | undefined;
  const faults = openFaultFlags({ file: config.FLAGS_FILE, logger });
  const { useCases, eventHandlers } = createPaymentsModule({
    pool,
    // The relay exists once start() ran; events committed before that go out with its first look.
    eventsWritten: () => relay?.wake(),
    topics: { paymentEvents: topicName(config, 'paymentEvents') },
    cardNetwork: {
      latencyMs: config.CARD_NETWORK_LATENCY_MS,
      jitterMs: config.CARD_NETWORK_JITTER_MS,
      faults,
    },
  });
  const grpc = createGrpcServer({
    services: [paymentsGrpcService(useCases, createAccessTokenVerifier(accessTokenSettings(config)), logger)],
    logger,
    reflection: descriptorSet(),
    probePort: config.GRPC_PROBE_PORT,
    ...grpcServerSecurity(config, paymentsCallers, logger),
  });

  return {
    useCases,
    /** Starts publishing, consuming and serving; resolves with the bound gRPC port. */
    async start(): Promise<number> {
      relay = startOutboxRelay({ pool, kafka, logger });
      consumer = await startOrderEventsConsumer({ config, kafka, logger, handlers: eventHandlers });
      return grpc.listen(config.GRPC_HOST, config.GRPC_PORT);
    },
    /** Reports NOT_SERVING on the health protocol while a dependency the calls need is away. */
    setServing: (serving: boolean) => grpc.setServing(serving),
    /**
     * Drains gRPC calls, then finishes the events in hand, then stops publishing: the outcome events of
     * the last charges still go out.
     */
    async stop(): Promise<void> {
      await grpc.shutdown(config.SHUTDOWN_GRACE_MS);
      await consumer?.stop();
      await relay?.stop();
      await faults.close();
    },
  };
}
