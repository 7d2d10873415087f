import type { InjectOptions } from 'fastify';
import { expectProblem, startTestGateway, type TestGateway } from './gateway';

/*
 * Bad input of every kind, decided by the gateway alone: its downstream services are unreachable and
 * count the connections made to them, so each case also shows that no service was asked and nothing
 * was written. (request-validation.spec.ts has the rules one by one.)
 */
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway?.close();
});

afterEach(() => {
  expect(gateway.downstreamConnections()).toBe(0);
});

describe('a corpus of bad input: a 4xx problem, never a 5xx, and no service asked (so nothing written)', () => {
  const bearer = () => ({ authorization: `Bearer ${gateway.token()}` });
  const json = { 'content-type': 'application/json' };
  const order = { items: [{ sku: 'milk-jug', quantity: 1 }], paymentMethod: 'pm_card_visa' };
  const user = { email: 'ada@example.com', name: 'Ada', password: 'long enough' };
  type Case = [label: string, request: () => InjectOptions, status: number];
  const cases: Case[] = [
    [
      'malformed JSON',
      () => ({ method: 'POST', url: '/v1/users', headers: json, payload: '{"email":' }),
      400,
    ],
    [
      'JSON with a trailing comma',
      () => ({ method: 'POST', url: '/v1/users', headers: json, payload: '{"a":1,}' }),
      400,
    ],
    [
      'a JSON string',
      () => ({ method: 'POST', url: '/v1/auth/token', headers: json, payload: '"ada"' }),
      400,
    ],
    [
      'JSON null',
      () => ({ method: 'POST', url: '/v1/orders', headers: { ...json, ...bearer() }, payload: 'null' }),
      400,
    ],
    [
      'a body of NUL bytes',
      () => ({ method: 'POST', url: '/v1/users', headers: json, payload: '\u0000\u0000' }),
      400,
    ],
    [
      'a number for the email',
      () => ({ method: 'POST', url: '/v1/users', payload: { ...user, email: 42 } }),
      400,
    ],
    [
      'an array for the password',
      () => ({ method: 'POST', url: '/v1/auth/token', payload: { email: 'a@b.c', password: ['x'] } }),
      400,
    ],
    [
      'a string for the items',
      () => ({ method: 'POST', url: '/v1/orders', headers: bearer(), payload: { ...order, items: 'all' } }),
      400,
    ],
    [
      'a quantity as a string',
      () => ({
        method: 'POST',
        url: '/v1/orders',
        headers: bearer(),
        payload: { ...order, items: [{ sku: 'milk-jug', quantity: '2' }] },
      }),
      400,
    ],
    [
      'a quantity of 1e300',
      () => ({
        method: 'POST',
        url: '/v1/orders',
        headers: { ...json, ...bearer() },
        payload: JSON.stringify(order).replace('"quantity":1', '"quantity":1e300'),
      }),
      400,
    ],
    [
      'a negative price',
      () => ({
        method: 'POST',
        url: '/v1/orders',
        headers: bearer(),
        payload: { ...order, items: [{ sku: 'milk-jug', quantity: 1, unitPriceCents: -1 }] },
      }),
      400,
    ],
    [
      'a prototype-polluting field',
      () => ({
        method: 'POST',
        url: '/v1/orders',
        headers: { ...json, ...bearer() },
        payload:
          '{"__proto__":{"admin":true},"items":[{"sku":"milk-jug","quantity":1}],"paymentMethod":"pm_card_visa"}',
      }),
      400,
    ],
    [
      'SQL in a sku',
      () => ({
        method: 'POST',
        url: '/v1/orders',
        headers: bearer(),
        payload: { ...order, items: [{ sku: "x'; DROP TABLE orders;--", quantity: 1 }] },
      }),
      400,
    ],
    [
      'markup in a sku',
      () => ({
        method: 'POST',
        url: '/v1/orders',
        headers: bearer(),
        payload: { ...order, items: [{ sku: '<svg onload=alert(1)>', quantity: 1 }] },
      }),
      400,
    ],
    [
      'SQL in a payment method',
      () => ({
        method: 'POST',
        url: '/v1/orders',
        headers: bearer(),
        payload: { ...order, paymentMethod: "pm' OR '1'='1" },
      }),
      400,
    ],
    [
      'SQL in an order id',
      () => ({ method: 'GET', url: `/v1/orders/${encodeURIComponent("1' OR '1'='1")}`, headers: bearer() }),
      400,
    ],
    [
      'SQL in a product sku',
      () => ({ method: 'GET', url: `/v1/products/${encodeURIComponent("' OR 1=1--")}` }),
      400,
    ],
    [
      'a huge body',
      () => ({
        method: 'POST',
        url: '/v1/orders',
        headers: bearer(),
        payload: { ...order, pad: 'x'.repeat(1_000_000) },
      }),
      413,
    ],
    [
      'a huge sign-up',
      () => ({ method: 'POST', url: '/v1/users', payload: { ...user, name: 'x'.repeat(5 * 1024 * 1024) } }),
      413,
    ],
    [
      "another user's orders, as asked for in the body",
      () => ({
        method: 'POST',
        url: '/v1/orders',
        headers: bearer(),
        payload: { ...order, userId: '0e7c1f7e-6a0b-4c6e-9d33-0b8f3f3d2a11' },
      }),
      400,
    ],
  ];

  it.each(cases)('%s', async (_label, request, status) => {
    const response = await gateway.app.inject(request());
    expect(response.statusCode).toBe(status);
    expect(response.statusCode).toBeLessThan(500);
    const codes: Record<number, string> = {
      400: 'INVALID_ARGUMENT',
      401: 'UNAUTHENTICATED',
      413: 'PAYLOAD_TOO_LARGE',
    };
    expectProblem(response, codes[status] ?? 'an unexpected status');
  });
});
