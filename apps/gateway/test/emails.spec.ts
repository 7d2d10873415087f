import { expectProblem, startTestGateway, type TestGateway } from './gateway';

describe('gateway: the mails sent to me (GET /v1/users/me/emails)', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway();
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('refuses a request without a token (401) and a page size out of bounds (400) without calling any service', async () => {
    const before = gateway.downstreamConnections();
    const anonymous = await gateway.app.inject({ url: '/v1/users/me/emails' });
    expect(anonymous.statusCode).toBe(401);
    expectProblem(anonymous, 'UNAUTHENTICATED');

    for (const limit of ['0', '101', 'many']) {
      const response = await gateway.app.inject({
        url: `/v1/users/me/emails?limit=${limit}`,
        headers: { authorization: `Bearer ${gateway.token()}` },
      });
      expect(response.statusCode).toBe(400);
      expect(expectProblem(response, 'INVALID_ARGUMENT').errors?.[0]?.field).toBe('limit');
    }
    expect(gateway.downstreamConnections()).toBe(before);
  });

  it('answers 503 while the services it asks are unreachable, never a 500', async () => {
    const response = await gateway.app.inject({
      url: '/v1/users/me/emails',
      headers: { authorization: `Bearer ${gateway.token()}` },
    });
    expect(response.statusCode).toBe(503);
    expectProblem(response, 'UNAVAILABLE');
  });
});
