import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestStack, type TestStack } from '@shop/stack';
import { startOtlpReceiver, type OtlpReceiver } from '@shop/testing';
import { DECLINED_CARD, GOOD_CARD } from '../chaos/checkout-stream';
import { shopClient, tracingEnv, type ShopClient } from '@shop/shop-client';
import { readDeadLetters } from './dead-letters';
import {
  FLAGS_APPLIED_WITHIN_MS,
  placeOrders,
  resetFaults,
  settledOrders,
  switchFault,
  traceOfFault,
} from './fault-switch';

/** Where each fault is injected: its trace has a span of that service marked with it. */
const FAULT_SERVICE = {
  'card-latency-ms': 'payments-service',
  'card-network-down': 'payments-service',
  'users-getuser-unavailable-share': 'users-service',
  'orders-slow-query-ms': 'orders-service',
} as const;

/**
 * The checkout's faults switched at run time through the flags file, one after the other, on one running
 * stack: each changes what the shop promises while it is on, and switching it off restores normal service
 * with nothing lost. The stack has a broker of its own: with the card network down every charge fails,
 * and nothing that goes wrong then must reach the other suites' broker.
 */
jest.setTimeout(120_000);

describe('checkout faults switched on and off while the shop runs', () => {
  let receiver: OtlpReceiver;
  let stack: TestStack;
  let shop: ShopClient;
  let customer: { id: string; token: string };

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startTestStack({
      label: 'faultscheckout',
      broker: 'own',
      env: tracingEnv(receiver.endpoint),
    });
    shop = shopClient(stack.gatewayUrl);
    customer = await shop.signUp(`faults-${stack.run}@example.com`);
  }, 300_000);

  afterEach(() => stack && resetFaults(stack));

  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
  }, 60_000);

  const accepted = (placed: Awaited<ReturnType<typeof placeOrders>>) =>
    placed.flatMap((order) => order.orderId ?? []);

  it('card-decline-share cancels a share of good-card orders with the decline reason, and none once off', async () => {
    await switchFault(stack, 'card-decline-share', 0.5);
    const during = await settledOrders(
      shop,
      customer.token,
      accepted(await placeOrders(shop, customer.token, 12, GOOD_CARD)),
    );
    const declined = during.filter((order) => order.status === 'CANCELLED');
    expect(declined.length).toBeGreaterThan(0);
    expect(declined.length).toBeLessThan(during.length);
    for (const order of declined) {
      expect(order.payment).toMatchObject({ outcome: 'FAILED', declineCode: 'card_declined' });
      expect(order.cancellationReason).toMatch(/declined/i);
    }
    const trace = await traceOfFault(receiver.spans, 'card-decline-share');
    expect(trace.map((span) => span.service)).toEqual(
      expect.arrayContaining(['gateway', 'orders-service', 'payments-service']),
    );

    await switchFault(stack, 'card-decline-share', 0);
    const after = await settledOrders(
      shop,
      customer.token,
      accepted(await placeOrders(shop, customer.token, 12, GOOD_CARD)),
    );
    expect(after.map((order) => order.status)).toEqual(after.map(() => 'CONFIRMED'));
  });

  it('card-latency-ms makes orders settle slower while on, and as fast as before once off', async () => {
    const settleMs = async () => {
      const placed = await placeOrders(shop, customer.token, 3, GOOD_CARD);
      const orders = await settledOrders(shop, customer.token, accepted(placed));
      expect(orders.map((order) => order.status)).toEqual(['CONFIRMED', 'CONFIRMED', 'CONFIRMED']);
      return Math.min(...orders.map((order, i) => order.seenSettledAt - (placed[i]?.placedAt ?? 0)));
    };
    await switchFault(stack, 'card-latency-ms', 2_000);
    expect(await settleMs()).toBeGreaterThanOrEqual(2_000);
    const trace = await traceOfFault(receiver.spans, 'card-latency-ms');
    expect(trace.map((span) => span.service)).toContain(FAULT_SERVICE['card-latency-ms']);

    await switchFault(stack, 'card-latency-ms', 0);
    expect(await settleMs()).toBeLessThan(2_000);
  });

  it('card-network-down keeps orders PENDING while on; once off every one settles, none lost or dead-lettered', async () => {
    await switchFault(stack, 'card-network-down', true);
    const placed = await placeOrders(shop, customer.token, 6, GOOD_CARD);
    const declinedToo = await placeOrders(shop, customer.token, 2, DECLINED_CARD);
    const ids = accepted([...placed, ...declinedToo]);
    expect(ids).toHaveLength(8); // taking orders never needed the card network
    // Several rounds of the payments consumer's retries: still nothing settles.
    await expect(settledOrders(shop, customer.token, ids, 5_000)).rejects.toThrow(/still PENDING/);
    for (const id of ids) expect((await shop.getOrder(customer.token, id)).body.status).toBe('PENDING');

    await switchFault(stack, 'card-network-down', false);
    const orders = await settledOrders(shop, customer.token, ids, 60_000);
    expect(orders.map((order) => order.status)).toEqual([
      ...Array.from({ length: 6 }, () => 'CONFIRMED'),
      'CANCELLED',
      'CANCELLED',
    ]);
    // Its trace: the charge attempts that failed while the network was down, then the one that went through.
    const trace = await traceOfFault(receiver.spans, 'card-network-down');
    expect(trace.map((span) => span.service)).toContain(FAULT_SERVICE['card-network-down']);
    // The consumers waited for the network; none crashed or was restarted, and no charge was given up.
    expect(stack.processes.filter((app) => app.crashes.length > 0).map((app) => app.label)).toEqual([]);
    await expect(
      readDeadLetters(stack.kafkaBrokers, `${stack.topicPrefix}payments-service.dlt`),
    ).resolves.toEqual([]);
  });

  it('users-getuser-unavailable-share answers 503 for a share of reads and orders, never a 500, and all 200 once off', async () => {
    await switchFault(stack, 'users-getuser-unavailable-share', 0.5);
    const reads = await Promise.all(
      Array.from({ length: 16 }, () => shop.request('GET', '/v1/users/me', { token: customer.token })),
    );
    const readStatuses = reads.map((read) => read.status);
    expect(readStatuses).toContain(503);
    expect(readStatuses).toContain(200);
    expect(readStatuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    const refused = reads.find((read) => read.status === 503);
    expect(JSON.stringify(refused?.body)).toMatch(/unavailable/i); // a readable answer, not a bare 503

    const placed = await placeOrders(shop, customer.token, 10, GOOD_CARD);
    expect(placed.map((order) => order.status).filter((status) => status !== 202 && status !== 503)).toEqual(
      [],
    );
    expect(placed.some((order) => order.status === 503)).toBe(true);
    // What was accepted settles as usual; what was refused placed nothing.
    const orders = await settledOrders(shop, customer.token, accepted(placed));
    expect(orders.every((order) => order.status === 'CONFIRMED')).toBe(true);
    const trace = await traceOfFault(receiver.spans, 'users-getuser-unavailable-share');
    expect(trace.map((span) => span.service)).toContain(FAULT_SERVICE['users-getuser-unavailable-share']);

    await switchFault(stack, 'users-getuser-unavailable-share', 0);
    const again = await Promise.all(
      Array.from({ length: 16 }, () => shop.request('GET', '/v1/users/me', { token: customer.token })),
    );
    expect(again.map((read) => read.status)).toEqual(again.map(() => 200));
  });

  it('orders-slow-query-ms makes reading an order slower while on, and fast again once off', async () => {
    const [placed] = await placeOrders(shop, customer.token, 1, GOOD_CARD);
    const orderId = placed?.orderId as string;
    await settledOrders(shop, customer.token, [orderId]);
    const readMs = async () => {
      const started = Date.now();
      const read = await shop.getOrder(customer.token, orderId);
      expect(read.status).toBe(200);
      return Date.now() - started;
    };
    await switchFault(stack, 'orders-slow-query-ms', 800);
    expect(await readMs()).toBeGreaterThanOrEqual(800);
    const trace = await traceOfFault(receiver.spans, 'orders-slow-query-ms');
    expect(trace.map((span) => span.service)).toContain(FAULT_SERVICE['orders-slow-query-ms']);

    await switchFault(stack, 'orders-slow-query-ms', 0);
    expect(await readMs()).toBeLessThan(800);
  });

  it('a malformed flags file written while the shop runs changes nothing: the flags in force stay, one error, no crash', async () => {
    const [placed] = await placeOrders(shop, customer.token, 1, GOOD_CARD);
    const orderId = placed?.orderId as string;
    const readMs = async () => {
      const started = Date.now();
      expect((await shop.getOrder(customer.token, orderId)).status).toBe(200);
      return Date.now() - started;
    };
    await switchFault(stack, 'orders-slow-query-ms', 800);
    const good = readFileSync(stack.flagsFile, 'utf8');
    writeFileSync(stack.flagsFile, good.slice(0, good.length / 2)); // as a careless hand edit would leave it
    await sleep(FLAGS_APPLIED_WITHIN_MS * 2); // several polls of the broken file
    expect(await readMs()).toBeGreaterThanOrEqual(800);

    const refusals = readFileSync(join(stack.logDir, 'orders-service-1.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('fault flags file not applied'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatch(/the flags in force stay as they were: not JSON/);

    writeFileSync(stack.flagsFile, good); // fixed: followed again
    await switchFault(stack, 'orders-slow-query-ms', 0);
    expect(await readMs()).toBeLessThan(800);
    expect(stack.processes.filter((app) => app.crashes.length > 0).map((app) => app.label)).toEqual([]);
  });
});
