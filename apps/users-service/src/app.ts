import { createPublicKey } from 'node:crypto';
import { createAccessTokenVerifier } from '@shop/access-token';
import { descriptorSet } from '@shop/contracts';
import type { Pool } from '@shop/db';
import { openFaultFlags } from '@shop/fault-flags';
import { createGrpcServer } from '@shop/grpc';
import { topicName } from '@shop/kafka';
import type { Logger } from '@shop/logger';
import { grpcServerSecurity } from '@shop/service-identity';
import { startOutboxRelay, type OutboxRelay } from '@shop/messaging';
import { createUsersModule } from '@shop/users-module';
import type { Kafka } from 'kafkajs';
import type { UsersConfig } from './config';
import { withInjectedFaults } from './entry-points/grpc/injected-faults';
import { usersCallers } from './entry-points/grpc/callers';
import { usersGrpcService } from './entry-points/grpc/users-grpc-service';

export interface UsersServiceDeps {
  config: UsersConfig;
  pool: Pool;
  kafka: Kafka;
  logger: Logger;
}

const publicKeyOf = (privateKeyPem: string): string =>
  createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();

/** Builds the users service without starting it, so a test can start it in-process on port 0. */
export function createUsersService({ config, pool, kafka, logger }: UsersServiceDeps) {
  let relay: OutboxRelay | undefined;
  const faults = openFaultFlags({ file: config.FLAGS_FILE, logger });
  const { useCases } = createUsersModule({
    pool,
    eventsWritten: () => relay?.wake(),
    topics: { userEvents: topicName(config, 'userEvents') },
    accessTokens: {
      privateKeyPem: config.JWT_PRIVATE_KEY,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ttlSeconds: config.JWT_TTL_SECONDS,
    },
    onRehashFailed: (error) => logger.warn({ err: error }, 'upgrading a password hash at login failed'),
  });
  const grpc = createGrpcServer({
    services: [
      usersGrpcService(
        withInjectedFaults(useCases, { faults }),
        // The service verifies the tokens it signs with the public half of its own key.
        createAccessTokenVerifier({
          publicKeyPem: publicKeyOf(config.JWT_PRIVATE_KEY),
          issuer: config.JWT_ISSUER,
          audience: config.JWT_AUDIENCE,
        }),
        logger,
      ),
    ],
    logger,
    reflection: descriptorSet(),
    probePort: config.GRPC_PROBE_PORT,
    ...grpcServerSecurity(config, usersCallers, logger),
  });

  return {
    useCases,
    /** Starts serving and publishing; resolves with the bound gRPC port. */
    async start(): Promise<number> {
      relay = startOutboxRelay({ pool, kafka, logger });
      return grpc.listen(config.GRPC_HOST, config.GRPC_PORT);
    },
    /** Reports NOT_SERVING on the health protocol while a dependency the calls need is away. */
    setServing: (serving: boolean) => grpc.setServing(serving),
    /** Drains gRPC calls first, then stops publishing: events written by the last calls still go out. */
    async stop(): Promise<void> {
      await grpc.shutdown(config.SHUTDOWN_GRACE_MS);
      await relay?.stop();
      await faults.close();
    },
  };
}
