import { Kafka, logLevel } from 'kafkajs';
import { DLT_HEADERS } from '@shop/kafka';
import { startTestStack, type TestStack } from '@shop/stack';
import { eventually, startOtlpReceiver, type OtlpReceiver } from '@shop/testing';
import { shopClient, tracingEnv, type ShopClient } from '@shop/shop-client';
import { readDeadLetters } from './dead-letters';
import { resetFaults, switchFault, traceOfFault } from './fault-switch';

/**
 * The email service's faults switched at run time, one after the other, on one running stack: a mail
 * server that fails sends, a consumer that falls behind, and a handler that throws on some events (a
 * poison message). Mails are the promise here: each arrives (later) or, poisoned, is dead-lettered.
 */
jest.setTimeout(120_000);

describe('mail faults switched on and off while the shop runs', () => {
  let receiver: OtlpReceiver;
  let stack: TestStack;
  let shop: ShopClient;
  let signUps = 0;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startTestStack({ label: 'faultsmail', env: tracingEnv(receiver.endpoint) });
    shop = shopClient(stack.gatewayUrl);
  }, 300_000);

  afterEach(() => stack && resetFaults(stack));

  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
  }, 60_000);

  /** `count` new customers, one after the other (password hashing is slow); each is a welcome mail to send. */
  const signUp = async (count: number) => {
    const customers = [];
    for (let i = 0; i < count; i++)
      customers.push(await shop.signUp(`mail-${++signUps}-${stack.run}@example.com`));
    return customers;
  };
  const welcomes = (email: string) =>
    new Set(
      stack.smtp.mails
        .filter((mail) => mail.to.includes(email) && /welcome/i.test(mail.subject ?? ''))
        .map((mail) => mail.messageId),
    ).size;
  const everyoneWelcomed = (customers: readonly { email: string }[], withinMs: number) =>
    eventually(() => customers.every((customer) => welcomes(customer.email) === 1), withinMs, 200);

  it('smtp-failure-share fails a share of sends; every mail still arrives, once', async () => {
    await switchFault(stack, 'smtp-failure-share', 0.5);
    const customers = await signUp(6);
    await everyoneWelcomed(customers, 60_000);
    const trace = await traceOfFault(receiver.spans, 'smtp-failure-share');
    expect(trace.some((span) => span.service === 'email-service' && span.status.code === 2)).toBe(true);
  });

  it('email-consumer-delay-ms makes the consumer fall behind: lag rises, then drains once off, and every mail arrives', async () => {
    const groupId = `${stack.topicPrefix}email-service`;
    const topic = `${stack.topicPrefix}users.v1.events`;
    const lags: number[] = [];
    const watching = watchLag(stack.kafkaBrokers, groupId, topic, lags);
    try {
      await switchFault(stack, 'email-consumer-delay-ms', 2_000);
      const customers = await signUp(12);
      await eventually(() => Math.max(...lags) >= 3, 30_000, 200);

      await switchFault(stack, 'email-consumer-delay-ms', 0);
      const offAt = Date.now();
      await everyoneWelcomed(customers, 60_000);
      await eventually(() => lags.at(-1) === 0, 30_000, 200);
      process.stdout.write(
        `faults[email-consumer-delay-ms 2000]: lag peaked at ${Math.max(...lags)} messages, ` +
          `back to 0 ${((Date.now() - offAt) / 1000).toFixed(1)} s after the flag went off\n`,
      );
    } finally {
      await watching.stop();
    }
    const trace = await traceOfFault(receiver.spans, 'email-consumer-delay-ms');
    expect(trace.map((span) => span.service)).toContain('email-service');
  });

  it('email-poison-share dead-letters the poisoned events with the error in their headers, and the rest is mailed', async () => {
    await switchFault(stack, 'email-poison-share', 0.5);
    const customers = await signUp(10);
    const dlt = `${stack.topicPrefix}email-service.dlt`;
    const poisoned = async () =>
      (await readDeadLetters(stack.kafkaBrokers, dlt)).filter((letter) =>
        customers.some((customer) => customer.id === letter.key),
      );
    // Each customer: welcomed, or their event dead-lettered after its retries; never both, never neither.
    await eventually(
      async () => {
        const letters = await poisoned();
        return customers.every(
          (customer) =>
            welcomes(customer.email) + letters.filter((letter) => letter.key === customer.id).length === 1,
        );
      },
      90_000,
      1_000,
    );
    const letters = await poisoned();
    expect(letters.length).toBeGreaterThan(0);
    expect(letters.length).toBeLessThan(customers.length);
    for (const letter of letters) {
      expect(letter.headers[DLT_HEADERS.error]).toMatch(/injected fault email-poison-share/);
      expect(letter.headers[DLT_HEADERS.errorName]).toBe('TypeError');
      expect(letter.headers[DLT_HEADERS.attempts]).toBe('5');
      expect(letter.headers[DLT_HEADERS.originalTopic]).toBe(`${stack.topicPrefix}users.v1.events`);
    }
    const trace = await traceOfFault(receiver.spans, 'email-poison-share');
    expect(trace.some((span) => span.service === 'email-service' && span.status.code === 2)).toBe(true);

    // Off: the partitions have moved on past the poisoned events, and new ones are mailed.
    await switchFault(stack, 'email-poison-share', 0);
    await everyoneWelcomed(await signUp(3), 30_000);
  });
});

/** Polls the group's lag on one topic (as the consumer-lag gauge computes it) into `lags`. */
function watchLag(brokers: string, groupId: string, topic: string, lags: number[]) {
  const admin = new Kafka({
    clientId: 'lag-watch',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  let running = true;
  const loop = (async () => {
    await admin.connect();
    while (running) {
      const [ends, [committed]] = await Promise.all([
        admin.fetchTopicOffsets(topic),
        admin.fetchOffsets({ groupId, topics: [topic] }),
      ]);
      const position = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      lags.push(
        ends.reduce((sum, end) => {
          const from = position.get(end.partition) ?? -1;
          return sum + Math.max(0, Number(end.high) - (from < 0 ? Number(end.low) : from));
        }, 0),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await admin.disconnect();
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}
