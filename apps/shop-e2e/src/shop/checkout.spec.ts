import { APPS, MONOLITH, type Architecture } from '@shop/stack';
import { eventually } from '@shop/testing';
import type { Order, ShopClient } from '@shop/shop-client';
import { ARCHITECTURES, shopUnderTest } from './shop-under-test';

/**
 * The checkout end to end, deployed as microservices and as the monolith: the catalog's prices, the
 * saga's outcomes and their mails, idempotent retries, many orders at once, and whose order is whose;
 * then the graceful stop of every process.
 */
jest.setTimeout(120_000);

/** The processes of each deployment, as the stack labels them. */
const PROCESSES: Record<Architecture, string[]> = {
  microservices: APPS.map((app) => `${app}#1`),
  monolith: [`${MONOLITH}#1`],
};

describe.each(ARCHITECTURES)('the shop as %s: checkout', (architecture) => {
  const under = shopUnderTest(architecture, 'e2echeckout');
  const { email, mailsTo, settled } = under;
  let shop: ShopClient;
  beforeAll(() => (shop = under.shop));

  it('charges the catalog price, and refuses a price the catalog no longer has with 409 PRICE_CHANGED', async () => {
    const customer = await shop.signUp(email('pricing'));
    const priced = await shop.request<Order>('POST', '/v1/orders', {
      token: customer.token,
      body: {
        items: [
          { sku: 'hand-grinder', quantity: 1 },
          { sku: 'paper-filters', quantity: 3, unitPriceCents: 650 },
        ],
        currency: 'EUR',
        paymentMethod: 'pm_card_visa',
      },
    });
    expect(priced.status).toBe(202);
    expect(priced.body.items).toEqual([
      { sku: 'hand-grinder', quantity: 1, unitPriceCents: 8900 },
      { sku: 'paper-filters', quantity: 3, unitPriceCents: 650 },
    ]);
    expect(priced.body.totalCents).toBe(8900 + 3 * 650);

    const stale = await shop.request('POST', '/v1/orders', {
      token: customer.token,
      body: {
        items: [{ sku: 'milk-jug', quantity: 1, unitPriceCents: 1500 }],
        paymentMethod: 'pm_card_visa',
      },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      status: 409,
      code: 'PRICE_CHANGED',
      detail: 'The price changed: milk-jug now costs 19.00 EUR. Review the order and send it again.',
    });
    expect((await shop.listOrders(customer.token)).body.items.map((order) => order.id)).toEqual([
      priced.body.id,
    ]);
  });

  it('confirms an order paid with a good card and mails the confirmation', async () => {
    const customer = await shop.signUp(email('visa'));
    const placed = await shop.placeOrder(customer.token, 'pm_card_visa');
    expect(placed.status).toBe(202);
    expect(placed.body).toMatchObject({ status: 'PENDING', totalCents: 2 * 1290, currency: 'EUR' });
    expect(placed.headers.get('location')).toBe(`/v1/orders/${placed.body.id}`);

    const order = await settled(customer.token, placed.body.id);
    expect(order).toMatchObject({ status: 'CONFIRMED', payment: { outcome: 'SUCCEEDED' } });
    await eventually(
      () =>
        expect(mailsTo(customer.email).filter((mail) => /confirmed/i.test(mail.subject ?? ''))).toHaveLength(
          1,
        ),
      30_000,
    );
  });

  it('cancels an order whose card is declined, says why, and mails the failure notice', async () => {
    const customer = await shop.signUp(email('declined'));
    const placed = await shop.placeOrder(customer.token, 'pm_card_chargeDeclined');
    expect(placed.status).toBe(202);

    const order = await settled(customer.token, placed.body.id);
    expect(order).toMatchObject({
      status: 'CANCELLED',
      payment: { outcome: 'FAILED', declineCode: 'card_declined' },
    });
    expect(order.cancellationReason).toMatch(/declined/i);
    await eventually(
      () =>
        expect(mailsTo(customer.email).filter((mail) => /cancelled/i.test(mail.subject ?? ''))).toHaveLength(
          1,
        ),
      30_000,
    );
  });

  it('places one order for a retried request with the same Idempotency-Key, and rejects the key with another body', async () => {
    const customer = await shop.signUp(email('retry'));
    const key = `checkout-${under.stack.run}`;
    const first = await shop.placeOrder(customer.token, 'pm_card_visa', key);
    const retry = await shop.placeOrder(customer.token, 'pm_card_visa', key);
    expect([first.status, retry.status]).toEqual([202, 202]);
    expect(retry.body.id).toBe(first.body.id);

    const otherBody = await shop.placeOrder(customer.token, 'pm_card_chargeDeclined', key);
    // The IETF Idempotency-Key draft's answer: 422.
    expect(otherBody.status).toBe(422);
    expect(otherBody.body).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });

    await settled(customer.token, first.body.id);
    const { body } = await shop.listOrders(customer.token);
    expect(body.items.map((order) => order.id)).toEqual([first.body.id]);
    await eventually(
      () =>
        expect(mailsTo(customer.email).filter((mail) => /confirmed/i.test(mail.subject ?? ''))).toHaveLength(
          1,
        ),
      30_000,
    );
  });

  it('settles 50 concurrent orders, each with exactly one payment and one mail', async () => {
    const customer = await shop.signUp(email('busy'));
    const placed = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        shop.placeOrder(
          customer.token,
          i % 5 === 0 ? 'pm_card_chargeDeclinedInsufficientFunds' : 'pm_card_visa',
        ),
      ),
    );
    expect(placed.map((response) => response.status)).toEqual(Array(50).fill(202));
    const ids = placed.map((response) => response.body.id);
    expect(new Set(ids).size).toBe(50);

    const orders: Order[] = await Promise.all(ids.map((id) => settled(customer.token, id)));
    expect(orders.filter((order) => order.status === 'CONFIRMED')).toHaveLength(40);
    expect(orders.filter((order) => order.status === 'CANCELLED')).toHaveLength(10);
    expect(new Set(orders.map((order) => order.payment?.id)).size).toBe(50);

    const orderMails = () => mailsTo(customer.email).filter((mail) => /order/i.test(mail.subject ?? ''));
    await eventually(() => expect(orderMails()).toHaveLength(50), 60_000);
    for (const id of ids) {
      expect(orderMails().filter((mail) => mail.raw.includes(id))).toHaveLength(1);
    }
  });

  it('hides one customer’s order from another', async () => {
    const owner = await shop.signUp(email('owner'));
    const stranger = await shop.signUp(email('stranger'));
    const placed = await shop.placeOrder(owner.token, 'pm_card_visa');
    expect((await shop.getOrder(stranger.token, placed.body.id)).status).toBe(404);
    expect((await shop.getOrder(owner.token, '3f1c2d9e-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await shop.listOrders(stranger.token)).body.items).toEqual([]);
  });

  it('stops every app gracefully on SIGTERM: each process exits 0', async () => {
    const exits = await under.stop();
    expect(exits.map((exit) => exit.label).sort()).toEqual([...PROCESSES[architecture]].sort());
    expect(exits.filter((exit) => exit.code !== 0)).toEqual([]);
  });
});
