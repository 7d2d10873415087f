import { ARCHITECTURES, startTestStack, type AnyTestStack } from '@shop/stack';
import { eventually } from '@shop/testing';
import { untilGatewaysListen } from './gateways-listening';
import { shopClient, type Order, type OrderStatusEvent } from '@shop/shop-client';

/**
 * An order's live status end to end, deployed as microservices and as the monolith: the API learns of
 * the saga's outcome from the order events (on Kafka, or delivered in process by the monolith's
 * outboxes) and pushes it to the open streams of the order, on every gateway replica. The re-read that
 * covers a lost event is set far beyond the tests' waits, so each change seen here came as an event.
 */
jest.setTimeout(120_000);

const RECHECK_MS = 300_000;

/** Every event until the API ends the stream. */
async function allEvents(events: AsyncIterable<OrderStatusEvent>): Promise<OrderStatusEvent[]> {
  const seen: OrderStatusEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

describe.each(ARCHITECTURES)('live order status, end to end, as %s', (architecture) => {
  let stack: AnyTestStack;
  const email = (who: string) => `${who}-${stack.run}@example.com`;
  // Replicas of the gateway share the order events through Kafka; the monolith runs as one process.
  const itWithReplicas = architecture === 'microservices' ? it : it.skip;

  beforeAll(async () => {
    stack = await startTestStack({
      architecture,
      label: architecture === 'monolith' ? 'livemono' : 'live',
      ...(architecture === 'microservices' && { scale: { gateway: 2 } }),
      env: {
        LOG_LEVEL: 'info',
        // Slow enough that a stream opened right after the order sees it PENDING first.
        CARD_NETWORK_LATENCY_MS: '1500',
        CARD_NETWORK_JITTER_MS: '5',
        ORDER_EVENTS_RECHECK_MS: String(RECHECK_MS),
      },
    });
    // The gateways hear the events once they joined the broker's group; the monolith's are in process.
    if (stack.architecture === 'microservices') await untilGatewaysListen(stack);
  }, 300_000);

  afterAll(() => stack?.stop(), 60_000);

  it.each([
    { card: 'pm_card_visa', final: 'CONFIRMED' },
    { card: 'pm_card_chargeDeclined', final: 'CANCELLED' },
  ])(
    'shows a checkout paid with $card as PENDING, then $final, and ends the stream',
    async ({ card, final }) => {
      const shop = shopClient(stack.gatewayUrl);
      const customer = await shop.signUp(email(`watch-${final.toLowerCase()}`));
      const placed = await shop.placeOrder(customer.token, card);
      expect(placed.status).toBe(202);

      const startedAt = Date.now();
      const watch = await shop.watchOrder(customer.token, placed.body.id);
      expect(watch.status).toBe(200);
      expect(watch.contentType).toMatch(/^text\/event-stream/);
      const events = await allEvents(watch.events);

      expect(events.map((event) => [event.id, event.order.status])).toEqual([
        ['1', 'PENDING'],
        ['2', final],
      ]);
      expect(Date.now() - startedAt).toBeLessThan(RECHECK_MS);
      const settled = events[1]?.order as Order;
      expect(settled).toEqual((await shop.getOrder(customer.token, placed.body.id)).body);
      if (final === 'CANCELLED') {
        expect(settled.cancellationReason).toEqual(expect.any(String));
        expect(settled.payment).toMatchObject({
          outcome: 'FAILED',
          declineCode: expect.any(String) as string,
        });
      } else {
        expect(settled.payment).toMatchObject({ outcome: 'SUCCEEDED' });
      }
    },
  );

  itWithReplicas('pushes the change to streams open on either gateway replica', async () => {
    expect(stack.gatewayUrls).toHaveLength(2);
    const [first, second] = stack.gatewayUrls.map((url) => shopClient(url));
    if (!first || !second) throw new Error('two gateways expected');
    const customer = await first.signUp(email('replicas'));
    const placed = await first.placeOrder(customer.token, 'pm_card_visa');
    const watches = await Promise.all([
      first.watchOrder(customer.token, placed.body.id),
      second.watchOrder(customer.token, placed.body.id),
    ]);
    const seen = await Promise.all(watches.map((watch) => allEvents(watch.events)));
    for (const events of seen)
      expect(events.map((event) => event.order.status)).toEqual(['PENDING', 'CONFIRMED']);
  });

  it('refuses another customer’s order with a 404 before any stream starts', async () => {
    const shop = shopClient(stack.gatewayUrl);
    const owner = await shop.signUp(email('owner'));
    const other = await shop.signUp(email('other'));
    const placed = await shop.placeOrder(owner.token, 'pm_card_visa');
    const watch = await shop.watchOrder(other.token, placed.body.id);
    expect(watch.status).toBe(404);
    watch.stop();
  });

  it('lists the welcome and the confirmation mail of a customer, newest first', async () => {
    const shop = shopClient(stack.gatewayUrl);
    const customer = await shop.signUp(email('mails'));
    const placed = await shop.placeOrder(customer.token, 'pm_card_visa');
    await allEvents((await shop.watchOrder(customer.token, placed.body.id)).events);

    const page = await eventually(async () => {
      const listed = await shop.listEmails(customer.token);
      expect(listed.status).toBe(200);
      expect(listed.body.items).toHaveLength(2);
      return listed.body;
    }, 30_000);
    expect(page.items.map((mail) => mail.template)).toEqual(['order-confirmed', 'welcome']);
    expect(page.nextCursor).toBeNull();
    expect((page.items[0]?.sentAt ?? '') >= (page.items[1]?.sentAt ?? '')).toBe(true);

    const first = await shop.listEmails(customer.token, '?limit=1');
    expect(first.body.items.map((mail) => mail.template)).toEqual(['order-confirmed']);
    const rest = await shop.listEmails(customer.token, `?limit=1&cursor=${first.body.nextCursor ?? ''}`);
    expect(rest.body.items.map((mail) => mail.template)).toEqual(['welcome']);

    const someoneElse = await shop.signUp(email('no-orders'));
    await eventually(async () => {
      const listed = await shop.listEmails(someoneElse.token);
      expect(listed.body.items.map((mail) => mail.template)).toEqual(['welcome']);
    }, 30_000);
  });
});
