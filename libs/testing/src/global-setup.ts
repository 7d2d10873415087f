// Jest loads its global set-up outside the module mapper, so workspace libs are imported by path here.
/* eslint-disable @nx/enforce-module-boundaries */
import { allTopics } from '../../kafka/src/topics';
import { ensureMockBrokerBuilt, startMockBroker, type MockBroker } from '../../kafka-mock-broker/src/index';
/* eslint-enable @nx/enforce-module-boundaries */
import { assertPostgresReachable } from './postgres-server';
import { CERTIFICATES_DIR_VARIABLE, issueTestCertificates } from './test-certificates';

declare global {
  var __shopMockBroker: MockBroker | undefined;
  var __shopTestCertificatesDir: string | undefined;
}

/**
 * Provisions what the tests need, once per run: a reachable Postgres (each suite then makes its own
 * database) and a Kafka-protocol broker, unless `KAFKA_BROKERS` already names one. Every project's
 * jest config carries this; the first to run starts the broker and the rest find `KAFKA_BROKERS` set.
 */
export default async function globalSetup(): Promise<void> {
  await assertPostgresReachable();
  // One set of test certificates for the whole run (see testCertificates), removed at its end.
  if (!process.env[CERTIFICATES_DIR_VARIABLE]) {
    globalThis.__shopTestCertificatesDir = await issueTestCertificates();
    process.env[CERTIFICATES_DIR_VARIABLE] = globalThis.__shopTestCertificatesDir;
  }
  if (process.env['KAFKA_BROKERS']) return;
  ensureMockBrokerBuilt();
  const broker = await startMockBroker({ topics: allTopics() });
  globalThis.__shopMockBroker = broker;
  process.env['KAFKA_BROKERS'] = broker.bootstrapServers;
}
