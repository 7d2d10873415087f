import { expectErrorShape, startTestGateway, type TestGateway } from './gateway';

/*
 * Over a real socket, as clients send: a body far over the limit is still on its way when the gateway
 * decides to refuse it. The client must read the 413 all the same, not a broken pipe.
 */
describe('gateway: a body over the limit, while the client is still sending it', () => {
  let gateway: TestGateway;
  let base: string;

  beforeAll(async () => {
    gateway = await startTestGateway();
    base = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it.each(['/v1/users', '/v1/auth/token'])(
    "answers POST %s with 5 MB 413 problem+json, which Node's fetch reads",
    async (path) => {
      const name = 'x'.repeat(5 * 1024 * 1024);
      const body = JSON.stringify({ email: 'ada@example.com', name, password: 'long enough' });
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(413);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(expectErrorShape(await response.json(), 'PAYLOAD_TOO_LARGE').status).toBe(413);
      expect(gateway.downstreamConnections()).toBe(0);
    },
  );

  it('answers a 5 MB body streamed without Content-Length with 413 too, decided while it is still arriving', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (sent >= 5 * 1024 * 1024) return controller.close();
        sent += chunk.length;
        // Slower than the gateway reads: it has answered long before the last chunk is sent.
        await new Promise((resolve) => setTimeout(resolve, 1));
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${base}/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    });
    expect(response.status).toBe(413);
    expectErrorShape(await response.json(), 'PAYLOAD_TOO_LARGE');
  });

  it('answers the next request on a new connection after a refused one', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
  });
});
