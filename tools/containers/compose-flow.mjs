// The client flow of `npm run compose:smoke`, through the gateway's published port only:
//
//   node tools/containers/compose-flow.mjs --gateway URL --mail URL [--shoppers N] [--email-reads N] [--run ID]
//
// Each shopper registers, logs in, orders once with the card that pays (pm_card_visa) and once with the
// card that is declined (pm_card_chargeDeclined), and waits for both orders to settle (CONFIRMED,
// CANCELLED). Then it reads its mails through the API (GET /v1/users/me/emails, a gRPC call to
// email-service behind the gateway) --email-reads times, and every shopper's three mails (welcome,
// confirmed, cancelled) must reach the mail catcher (Mailpit's GET /api/v1/messages). Prints one JSON
// line with what it saw; exits 1 with the broken promise otherwise.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { callShopApi } from '../../deploy/compose/demo-traffic/shop-api.mjs';

const { values } = parseArgs({
  options: {
    gateway: { type: 'string', default: 'http://127.0.0.1:8080' },
    mail: { type: 'string', default: 'http://127.0.0.1:8025' },
    shoppers: { type: 'string', default: '1' },
    'email-reads': { type: 'string', default: '1' },
    run: { type: 'string', default: randomBytes(3).toString('hex') },
  },
});
const shoppers = Number(values.shoppers);
const emailReads = Number(values['email-reads']);
const run = values.run;

class Broken extends Error {}

// What the API refuses is a broken promise like any other: the catch below reports its message.
const api = async (method, path, options) =>
  (await callShopApi(values.gateway, method, path, { timeoutMs: 15_000, ...options })).json;

async function settle(orderId, token) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const order = await api('GET', `/v1/orders/${encodeURIComponent(orderId)}`, { token });
    if (order.status !== 'PENDING') return order.status;
    if (Date.now() > deadline) throw new Broken(`order ${orderId} still PENDING after 60 s`);
    await sleep(250);
  }
}

async function shopper(n, products) {
  const email = `smoke-${run}-${n}@example.com`;
  const password = `compose smoke ${run}`;
  await api('POST', '/v1/users', {
    body: { email, name: `Smoke Shopper ${String.fromCharCode(65 + (n % 26))}`, password },
  });
  const { accessToken: token } = await api('POST', '/v1/auth/token', { body: { email, password } });
  const product = products[n % products.length];
  const started = Date.now();
  const outcomes = {};
  for (const [card, expected] of [
    ['pm_card_visa', 'CONFIRMED'],
    ['pm_card_chargeDeclined', 'CANCELLED'],
  ]) {
    const order = await api('POST', '/v1/orders', {
      token,
      headers: { 'idempotency-key': `smoke-${run}-${n}-${card}` },
      body: {
        items: [{ sku: product.sku, quantity: 1, unitPriceCents: product.priceCents }],
        paymentMethod: card,
      },
    });
    const status = await settle(order.id, token);
    if (status !== expected)
      throw new Broken(`order ${order.id} paid with ${card} is ${status}, not ${expected}`);
    outcomes[card] = status;
  }
  const settleMs = Date.now() - started;
  for (let i = 0; i < emailReads; i++) await api('GET', '/v1/users/me/emails', { token });
  return { email, settleMs, outcomes };
}

async function mailsOf(addresses) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const { messages } = await (await fetch(`${values.mail}/api/v1/messages?limit=5000`)).json();
    const count = new Map(addresses.map((address) => [address, 0]));
    for (const message of messages)
      for (const to of message.To ?? [])
        if (count.has(to.Address)) count.set(to.Address, count.get(to.Address) + 1);
    const missing = [...count].filter(([, n]) => n < 3);
    if (missing.length === 0) return [...count.values()].reduce((a, b) => a + b, 0);
    if (Date.now() > deadline)
      throw new Broken(
        `mails missing after 90 s: ${missing.map(([a, n]) => `${a} has ${n} of 3`).join(', ')}`,
      );
    await sleep(500);
  }
}

try {
  const started = Date.now();
  const { items: products } = await api('GET', '/v1/products');
  if (!products?.length) throw new Broken('GET /v1/products lists no products');
  const results = await Promise.all(Array.from({ length: shoppers }, (_, n) => shopper(n, products)));
  const mails = await mailsOf(results.map((result) => result.email));
  const settle = results.map((result) => result.settleMs).sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      run,
      shoppers,
      orders: shoppers * 2,
      confirmed: shoppers,
      cancelled: shoppers,
      mails,
      emailReads: shoppers * emailReads,
      slowestShopperSettleMs: settle.at(-1),
      seconds: Math.round((Date.now() - started) / 100) / 10,
    }),
  );
} catch (error) {
  console.error(`compose flow: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
