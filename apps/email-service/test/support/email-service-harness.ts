import { randomUUID } from 'node:crypto';
import { loadConfig } from '@shop/config';
import {
  emailV1,
  encodeEventPayload,
  eventsV1,
  type EventMessage,
  type EventTypeName,
} from '@shop/contracts';
import { migrations } from '@shop/email-module';
import { createClient } from '@shop/grpc';
import { createKafka, TOPICS } from '@shop/kafka';
import type { GrpcClientSecurity } from '@shop/service-identity';
import {
  createTestDatabase,
  testBrokers,
  testLogger,
  uniqueTopicPrefix,
  type TestDatabase,
  testKafkaEnv,
  testServiceEnv,
  testCertificates,
  testAccessTokens,
  type TestAccessTokens,
} from '@shop/testing';
import type { Producer } from 'kafkajs';
import { createEmailService } from '../../src/app';
import { emailConfigSchema } from '../../src/config';

export interface PublishedEvent<T extends EventTypeName> {
  type: T;
  aggregateId: string;
  payload: EventMessage<T>;
  /** A fresh one unless given: giving the same id twice is how a test redelivers an event. */
  eventId?: string;
}

export interface EmailServiceHarness {
  db: TestDatabase;
  client: emailV1.EmailServiceClient;
  /** The gateway's identity, which the service's caller table lets in (mutual TLS, as deployed). */
  asGateway: GrpcClientSecurity;
  /** The bound gRPC port. */
  port: number;
  prefix: string;
  /** Signs the access tokens ListEmails is called with. */
  tokens: TestAccessTokens;
  /** Publishes an event envelope as the owning service's relay would; resolves with its event id. */
  publish<T extends EventTypeName>(event: PublishedEvent<T>): Promise<string>;
  stop(): Promise<void>;
}

const topicOf = (type: EventTypeName) =>
  type.startsWith('users.') ? TOPICS.userEvents.name : TOPICS.orderEvents.name;

/**
 * The service started in-process against a fresh database, the test broker under a topic prefix of its
 * own, and the mail server at `smtpPort` (which need not be listening yet).
 */
export async function startEmailServiceHarness(
  label: string,
  smtpPort: number,
): Promise<EmailServiceHarness> {
  const logger = testLogger('email-service');
  const prefix = uniqueTopicPrefix(label);
  const db = await createTestDatabase(label, migrations);
  const kafka = createKafka({ brokers: testBrokers(), clientId: `${label}-spec`, logger });
  const tokens = testAccessTokens();
  const certificates = await testCertificates();
  const config = loadConfig(emailConfigSchema, {
    ...testServiceEnv(db),
    GRPC_TLS_DIR: certificates.tlsDir('email-service'),
    ...testKafkaEnv(prefix),
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    JWT_PUBLIC_KEY: tokens.publicKeyPem,
  });
  const service = createEmailService({ config, pool: db.pool, kafka, logger });
  const port = await service.start();
  const asGateway = certificates.clientSecurity('gateway', 'email-service');
  const client = createClient(emailV1.EmailServiceClient, `127.0.0.1:${port}`, {
    deadlineMs: 5_000,
    ...asGateway,
  });
  const producer: Producer = kafka.producer();
  await producer.connect();

  return {
    db,
    client,
    asGateway,
    port,
    prefix,
    tokens,
    async publish(event) {
      const eventId = event.eventId ?? randomUUID();
      const envelope = eventsV1.Envelope.encode({
        eventId,
        type: event.type,
        occurredAt: new Date(),
        aggregateId: event.aggregateId,
        payload: encodeEventPayload(event.type, event.payload),
      }).finish();
      await producer.send({
        topic: `${prefix}${topicOf(event.type)}`,
        messages: [{ key: event.aggregateId, value: Buffer.from(envelope) }],
      });
      return eventId;
    },
    async stop() {
      client.close();
      await producer.disconnect();
      await service.stop();
      await db.drop();
    },
  };
}
