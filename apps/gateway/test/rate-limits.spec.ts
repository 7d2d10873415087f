import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { expectProblem, startTestGateway, type TestGateway } from './gateway';

/*
 * The limits are tiny here (two per window) so that a test reaches them. The downstream services are
 * unreachable: requests within the limit are answered 503, which is enough to count them.
 */
describe('gateway: rate limits', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({
      RATE_LIMIT_SIGNUPS: '2',
      RATE_LIMIT_TOKENS: '2',
      RATE_LIMIT_ORDERS: '2',
      RATE_LIMIT_WINDOW_MS: '60000',
    });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const signUp = (remoteAddress: string): InjectOptions => ({
    method: 'POST',
    url: '/v1/users',
    remoteAddress,
    payload: { email: 'ada@example.com', name: 'Ada', password: 'long enough' },
  });
  const token = (remoteAddress: string): InjectOptions => ({
    method: 'POST',
    url: '/v1/auth/token',
    remoteAddress,
    payload: { email: 'ada@example.com', password: 'long enough' },
  });
  const order = (userId: string, remoteAddress = '10.0.9.9'): InjectOptions => ({
    method: 'POST',
    url: '/v1/orders',
    remoteAddress,
    headers: { authorization: `Bearer ${gateway.token({ sub: userId })}` },
    payload: { items: [{ sku: 'milk-jug', quantity: 1 }], paymentMethod: 'pm_card_visa' },
  });

  const statuses = async (requests: InjectOptions[]) => {
    const answers = [];
    for (const request of requests) answers.push(await gateway.app.inject(request));
    return answers;
  };

  it.each([
    ['sign-ups', signUp],
    ['token requests', token],
  ])(
    'limits %s per client address: past the limit, 429 problem+json with Retry-After',
    async (_label, build) => {
      const [first, second, third] = await statuses([
        build('10.0.1.1'),
        build('10.0.1.1'),
        build('10.0.1.1'),
      ]);
      expect([first?.statusCode, second?.statusCode]).toEqual([503, 503]);
      expect(third?.statusCode).toBe(429);
      expect(Number(third?.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(third?.headers['retry-after'])).toBeLessThanOrEqual(60);
      if (third) expect(expectProblem(third, 'RESOURCE_EXHAUSTED').detail).toMatch(/try again in/);

      // Another address has a budget of its own.
      const [other] = await statuses([build('10.0.2.2')]);
      expect(other?.statusCode).toBe(503);
    },
  );

  it('counts sign-ups and token requests apart', async () => {
    await statuses([signUp('10.0.3.3'), signUp('10.0.3.3'), signUp('10.0.3.3')]);
    const [login] = await statuses([token('10.0.3.3')]);
    expect(login?.statusCode).toBe(503);
  });

  it('limits orders per signed-in user, wherever they come from', async () => {
    const ada = randomUUID();
    const answers = await statuses([order(ada, '10.0.4.1'), order(ada, '10.0.4.2'), order(ada, '10.0.4.3')]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([503, 503, 429]);
    expect(answers[2]?.headers['retry-after']).toMatch(/^\d+$/);
    if (answers[2]) expectProblem(answers[2], 'RESOURCE_EXHAUSTED');

    // Another user from the same address is not held back by Ada.
    const [grace] = await statuses([order(randomUUID(), '10.0.4.3')]);
    expect(grace?.statusCode).toBe(503);
  });

  it('refuses a request without a valid token with 401 before counting it', async () => {
    const anonymous = { ...order(randomUUID()), headers: {} };
    const answers = await statuses([anonymous, anonymous, anonymous]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([401, 401, 401]);
  });

  it('leaves reads unlimited', async () => {
    const userId = randomUUID();
    const read: InjectOptions = {
      method: 'GET',
      url: '/v1/orders',
      headers: { authorization: `Bearer ${gateway.token({ sub: userId })}` },
    };
    const answers = await statuses([read, read, read, read]);
    expect(answers.every((answer) => answer.statusCode === 503)).toBe(true);
  });
});
