export default async function globalTeardown(): Promise<void> {
  const broker = globalThis.__shopMockBroker;
  if (!broker) return;
  globalThis.__shopMockBroker = undefined;
  delete process.env['KAFKA_BROKERS'];
  await broker.stop();
}
