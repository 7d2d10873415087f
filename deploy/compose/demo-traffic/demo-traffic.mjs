// Low-rate demo traffic for docker-compose.yml: a few shoppers register, log in, check out and poll their
// order until the saga settles, through the gateway's public API only, so that Jaeger, Grafana and
// Mailpit have something to show within a minute. Every checkout starts a trace of its own (the request
// carries a W3C traceparent) and the log line gives its Jaeger link.
//
//   DEMO_TRAFFIC=0            off (the container exits at once)
//   DEMO_INTERVAL_MS=4000     pause between two checkouts
//   DEMO_SHOPPERS=20          accounts reused round robin (registered on first use)
//   DEMO_DECLINE_EVERY=5      every Nth checkout pays with a card that is declined (saga compensation)
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

const env = process.env;
const gateway = env.GATEWAY_URL ?? 'http://gateway:8080';
const jaeger = env.JAEGER_UI_URL ?? 'http://localhost:16686';
const intervalMs = Number(env.DEMO_INTERVAL_MS ?? 4000);
const shoppers = Number(env.DEMO_SHOPPERS ?? 20);
const declineEvery = Number(env.DEMO_DECLINE_EVERY ?? 5);
const run = randomBytes(3).toString('hex');
const skus = ['BOOK-42', 'MUG-7', 'PEN-3', 'LAMP-12', 'TEA-9'];
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

const newTrace = () => ({ traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') });

async function api(method, path, { body, token, trace = newTrace(), headers = {} } = {}) {
  const response = await fetch(`${gateway}${path}`, {
    method,
    headers: {
      ...(body && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Bearer ${token}` }),
      traceparent: `00-${trace.traceId}-${trace.spanId}-01`,
      ...headers,
    },
    body: body && JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    throw Object.assign(new Error(`${method} ${path}: ${response.status} ${text.slice(0, 200)}`), {
      status: response.status,
    });
  }
  return json;
}

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
  const trace = newTrace();
  const started = Date.now();
  const order = await api('POST', '/v1/orders', {
    token,
    trace,
    headers: { 'idempotency-key': `demo-${run}-${n}` },
    body: {
      items: [{ sku: skus[n % skus.length], quantity: 1 + (n % 3), unitPriceCents: 500 + 125 * (n % 7) }],
      currency: 'EUR',
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
    `checkout ${n}: order ${order.id} ${status} after ${Date.now() - started} ms, trace ${jaeger}/trace/${trace.traceId}`,
  );
}

console.log(
  `demo traffic against ${gateway}: a checkout every ${intervalMs} ms (DEMO_TRAFFIC=0 turns it off)`,
);
for (let n = 0; !stopping; n++) {
  try {
    await checkout(n);
  } catch (error) {
    console.log(`checkout ${n} failed: ${error instanceof Error ? error.message : String(error)}`);
    tokens.clear(); // an expired token (or a users database started afresh): log in again
  }
  await sleep(intervalMs);
}
