import { rmSync } from 'node:fs';
import { CERTIFICATES_DIR_VARIABLE } from './test-certificates';

export default async function globalTeardown(): Promise<void> {
  const certificates = globalThis.__shopTestCertificatesDir;
  if (certificates) {
    globalThis.__shopTestCertificatesDir = undefined;
    delete process.env[CERTIFICATES_DIR_VARIABLE];
    rmSync(certificates, { recursive: true, force: true });
  }
  const broker = globalThis.__shopMockBroker;
  if (!broker) return;
  globalThis.__shopMockBroker = undefined;
  delete process.env['KAFKA_BROKERS'];
  await broker.stop();
}
