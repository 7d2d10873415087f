// Low-rate demo traffic for docker-compose.yml: a few shoppers register, log in, look at the catalog,
// check out a product at the price they saw and poll their
// order until the saga settles, through the gateway's public API only, so that Jaeger, Grafana and
// Mailpit have something to show within a minute. It sends no trace context: the gateway's span of each
// request is the root of its trace, so that every trace in Jaeger is whole (one root, no orphans); the
// log line gives the checkout's Jaeger link, from the trace id the gateway answers with.
//
//   DEMO_TRAFFIC=0            off (the container exits at once)
//   DEMO_CHECKOUTS=N          stop after N checkouts (default: run until stopped)
//   DEMO_INTERVAL_MS=4000     pause between two checkouts
//   DEMO_SHOPPERS=20          accounts reused round robin (registered on first use)
//   DEMO_DECLINE_EVERY=5      every Nth checkout pays with a card that is declined (saga compensation)
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { callShopApi } from './shop-api.mjs';

const env = process.env;
const gateway = env.GATEWAY_URL ?? 'http://gateway:8080';
const jaeger = env.JAEGER_UI_URL ?? 'http://localhost:16686';
const intervalMs = Number(env.DEMO_INTERVAL_MS ?? 4000);
const shoppers = Number(env.DEMO_SHOPPERS ?? 20);
const declineEvery = Number(env.DEMO_DECLINE_EVERY ?? 5);
const checkouts = env.DEMO_CHECKOUTS ? Number(env.DEMO_CHECKOUTS) : Infinity;
const run = randomBytes(3).toString('hex');
const names = [
  'Ada Lovelace',
  'Grace Hopper',
  'Alan Turing',
  'Edsger Dijkstra',
  'Barbara Liskov',
  'Ken Thompson',
];

if (['0', 'false', 'off', 'no'].includes((env.DEMO_TRAFFIC ?? '1').toLowerCase())) {
  console.log('demo traffic is off (DEMO_TRAFFIC=0)');
  process.exit(0);
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => (stopping = true));

/** Calls the gateway; resolves with the JSON body and the id of the trace the request started. */
const call = (method, path, options) => callShopApi(gateway, method, path, options);

const api = async (method, path, options) => (await call(method, path, options)).json;

const tokens = new Map();

async function tokenOf(shopper) {
  if (tokens.has(shopper)) return tokens.get(shopper);
  const email = `shopper-${run}-${shopper}@example.com`;
  const password = `demo password ${run}`;
  // Registered on an earlier round already (409): log in all the same.
  await api('POST', '/v1/users', { body: { email, name: names[shopper % names.length], password } }).catch(
    (error) => {
      if (error.status !== 409) throw error;
    },
  );
  const { accessToken } = await api('POST', '/v1/auth/token', { body: { email, password } });
  tokens.set(shopper, accessToken);
  return accessToken;
}

async function checkout(n) {
  const shopper = n % shoppers;
  const token = await tokenOf(shopper);
  const started = Date.now();
  // As a storefront would: the catalog first, then the order at the price shown (the shop charges its own
  // price and answers 409 PRICE_CHANGED should it differ).
  const { items: products } = await api('GET', '/v1/products');
  const product = products[n % products.length];
  const { json: order, traceId } = await call('POST', '/v1/orders', {
    token,
    headers: { 'idempotency-key': `demo-${run}-${n}` },
    body: {
      items: [{ sku: product.sku, quantity: 1 + (n % 3), unitPriceCents: product.priceCents }],
      paymentMethod: n % declineEvery === declineEvery - 1 ? 'pm_card_chargeDeclined' : 'pm_card_visa',
    },
  });
  let status = order.status;
  for (let poll = 0; status === 'PENDING' && poll < 40 && !stopping; poll++) {
    await sleep(250);
    ({ status } = await api('GET', `/v1/orders/${encodeURIComponent(order.id)}`, { token }));
  }
  if (n % 10 === 0) await api('GET', '/v1/orders?limit=10', { token });
  console.log(
    `checkout ${n}: order ${order.id} ${status} after ${Date.now() - started} ms, trace ${jaeger}/trace/${traceId}`,
  );
}

console.log(
  `demo traffic against ${gateway}: a checkout every ${intervalMs} ms (DEMO_TRAFFIC=0 turns it off)`,
);
for (let n = 0; !stopping && n < checkouts; n++) {
  try {
    await checkout(n);
  } catch (error) {
    console.log(`checkout ${n} failed: ${error instanceof Error ? error.message : String(error)}`);
    tokens.clear(); // an expired token (or a users database started afresh): log in again
  }
  if (n + 1 < checkouts) await sleep(intervalMs);
}
