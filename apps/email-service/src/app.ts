import { accessTokenSettings, createAccessTokenVerifier } from '@shop/access-token';
import { descriptorSet } from '@shop/contracts';
import type { Pool } from '@shop/db';
import { openFaultFlags } from '@shop/fault-flags';
import { createEmailModule, mailboxDomain } from '@shop/email-module';
import { createGrpcServer } from '@shop/grpc';
import type { RunningConsumer } from '@shop/kafka';
import type { Logger } from '@shop/logger';
import { grpcServerSecurity } from '@shop/service-identity';
import type { Kafka } from 'kafkajs';
import type { EmailConfig } from './config';
import { emailCallers } from './entry-points/grpc/callers';
import { emailGrpcService } from './entry-points/grpc/email-grpc-service';
import { startEmailEventConsumer } from './entry-points/kafka/email-event-consumer';

export interface EmailServiceDeps {
  config: EmailConfig;
  pool: Pool;
  kafka: Kafka;
  logger: Logger;
}

/** Builds the email service without starting it, so a test can start it in-process on port 0. */
export function createEmailService({ config, pool, kafka, logger }: EmailServiceDeps) {
  const faults = openFaultFlags({ file: config.FLAGS_FILE, logger });
  const email = createEmailModule({
    pool,
    smtp: { url: config.SMTP_URL, from: config.MAIL_FROM, faults },
    messageIdDomain: mailboxDomain(config.MAIL_FROM),
    logger,
  });
  const { notifications, emailLog } = email.useCases;
  const grpc = createGrpcServer({
    services: [emailGrpcService(emailLog, createAccessTokenVerifier(accessTokenSettings(config)), logger)],
    logger,
    reflection: descriptorSet(),
    probePort: config.GRPC_PROBE_PORT,
    ...grpcServerSecurity(config, emailCallers, logger),
  });
  let consumer: RunningConsumer | undefined;

  return {
    notifications,
    emailLog,
    /** Starts consuming events and serving; resolves with the bound gRPC port. */
    async start(): Promise<number> {
      consumer = await startEmailEventConsumer({
        config,
        kafka,
        logger,
        handlers: email.eventHandlers,
        faults,
      });
      return grpc.listen(config.GRPC_HOST, config.GRPC_PORT);
    },
    /** Reports NOT_SERVING on the health protocol while a dependency the calls need is away. */
    setServing: (serving: boolean) => grpc.setServing(serving),
    /** Drains gRPC calls, then lets the consumer finish the mails in hand, then closes SMTP connections. */
    async stop(): Promise<void> {
      await grpc.shutdown(config.SHUTDOWN_GRACE_MS);
      await consumer?.stop();
      email.close();
      await faults.close();
    },
  };
}
