import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { expectProblem, startTestGateway, type TestGateway } from './gateway';

interface Received {
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A collector that keeps what it receives and answers with `status`. */
async function startCollector(status = 200) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ url: request.url, headers: request.headers, body: Buffer.concat(chunks).toString() });
      response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const batch = (name = 'click') => ({
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'storefront' } }] },
      scopeSpans: [
        { spans: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name }] },
      ],
    },
  ],
});

const post = (gateway: TestGateway, payload: unknown, headers: Record<string, string> = {}) =>
  gateway.app.inject({
    method: 'POST',
    url: '/otlp/v1/traces',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

describe('gateway: browser traces at /otlp/v1/traces', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let gateway: TestGateway;

  beforeAll(async () => {
    collector = await startCollector();
    gateway = await startTestGateway({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      BROWSER_TRACES_BODY_LIMIT_BYTES: '4096',
      BROWSER_TRACES_PER_MINUTE: '5',
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await collector?.stop();
  });

  it("forwards a batch to the collector's /v1/traces, without the caller's credentials", async () => {
    const response = await post(gateway, batch('forwarded'), {
      authorization: 'Bearer secret-token',
      cookie: 'session=secret-cookie',
      'x-forwarded-for': '203.0.113.9',
    });
    expect(response.statusCode).toBe(204);
    expect(collector.received).toHaveLength(1);
    const [forwarded] = collector.received;
    expect(forwarded?.url).toBe('/v1/traces');
    expect(JSON.parse(forwarded?.body ?? '')).toEqual(batch('forwarded'));
    expect(forwarded?.headers['content-type']).toBe('application/json');
    expect(forwarded?.headers).not.toHaveProperty('authorization');
    expect(forwarded?.headers).not.toHaveProperty('cookie');
    expect(forwarded?.body).not.toContain('secret');
  });

  it('refuses a body that is not an OTLP traces request with a 400, forwarding nothing', async () => {
    const before = collector.received.length;
    const response = await post(gateway, { spans: [] });
    expect(response.statusCode).toBe(400);
    expect(expectProblem(response, 'INVALID_ARGUMENT').detail).toMatch(/resourceSpans/);
    expect(collector.received).toHaveLength(before);
  });

  it('refuses a batch over the small body limit with a 413', async () => {
    const response = await post(gateway, batch('x'.repeat(5000)));
    expect(response.statusCode).toBe(413);
    expectProblem(response, 'PAYLOAD_TOO_LARGE');
  });

  it('limits each client address: past the limit, 429 with Retry-After, and nothing forwarded', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await post(gateway, batch())).statusCode);
    const before = collector.received.length;
    const refused = await post(gateway, batch());
    expect(statuses).toContain(429);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expectProblem(refused, 'RESOURCE_EXHAUSTED');
    expect(collector.received).toHaveLength(before);
  });

  it('leaves the API unlimited: the limit is for the telemetry intake only', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.headers).not.toHaveProperty('x-ratelimit-limit');
  });
});

describe('gateway: browser traces without a collector', () => {
  it('accepts a batch with 204 and drops it when no OTLP endpoint is configured', async () => {
    const gateway = await startTestGateway();
    try {
      const response = await post(gateway, batch());
      expect(response.statusCode).toBe(204);
    } finally {
      await gateway.close();
    }
  });

  it('answers 503 when the configured collector cannot be reached', async () => {
    const collector = await startCollector();
    await collector.stop();
    const gateway = await startTestGateway({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint });
    try {
      const response = await post(gateway, batch());
      expect(response.statusCode).toBe(503);
      expectProblem(response, 'UNAVAILABLE');
    } finally {
      await gateway.close();
    }
  });
});
