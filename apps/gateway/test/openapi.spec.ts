import { startTestGateway, type TestGateway } from './gateway';

interface Operation {
  security?: unknown[];
  responses: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, unknown> };
}

/** Every `$ref` in the document, so each can be checked to resolve. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner),
  );
}

function resolve(document: unknown, ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, token) => (node as Record<string, unknown> | undefined)?.[token], document);
}

describe('gateway: API documentation', () => {
  let gateway: TestGateway;
  let document: OpenApiDocument;

  beforeAll(async () => {
    gateway = await startTestGateway();
    document = (await gateway.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const routes = [
    ['post', '/v1/users', false],
    ['post', '/v1/auth/token', false],
    ['get', '/v1/users/me', true],
    ['post', '/v1/orders', true],
    ['get', '/v1/orders', true],
    ['get', '/v1/orders/{id}', true],
    ['get', '/v1/orders/{id}/events', true],
    ['get', '/v1/users/me/emails', true],
    ['get', '/v1/products', false],
    ['get', '/v1/products/{sku}', false],
    ['get', '/healthz', false],
    ['get', '/readyz', false],
  ] as const;

  it('serves an OpenAPI 3 document that lists every route and nothing else', () => {
    expect(document.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect([typeof document.info.title, typeof document.info.version]).toEqual(['string', 'string']);
    const listed = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path}`),
    );
    expect(listed.sort()).toEqual(routes.map(([method, path]) => `${method} ${path}`).sort());
    for (const ref of refsIn(document)) expect(resolve(document, ref)).toBeDefined();
  });

  it.each(routes)('documents %s %s with its answers, errors included', (method, path, authenticated) => {
    const operation = document.paths[path]?.[method];
    expect(operation).toBeDefined();
    const statuses = Object.keys(operation?.responses ?? {});
    expect(statuses.some((status) => status.startsWith('2'))).toBe(true);
    // Liveness has no failure to document: it answers 200 for as long as the process runs.
    if (path !== '/healthz') expect(statuses.some((status) => /^[45]/.test(status))).toBe(true);
    for (const [status, response] of Object.entries(operation?.responses ?? {})) {
      expect(typeof response.description).toBe('string');
      // The order's live status is a stream of events; errors are problem details (RFC 9457) everywhere,
      // but for a readiness probe's 503, which is the report of what is not ready.
      const mediaType =
        /^[45]/.test(status) && path !== '/readyz'
          ? 'application/problem+json'
          : path.endsWith('/events') && status === '200'
            ? 'text/event-stream'
            : 'application/json';
      expect(response.content?.[mediaType]?.schema).toBeDefined();
    }
    if (authenticated) {
      expect(statuses).toContain('401');
      expect(operation?.security).toEqual([{ bearerAuth: [] }]);
    }
  });

  it('describes errors with the one error shape, RFC 9457 problem details, the field list included', () => {
    const responses = document.paths['/v1/orders']?.['post']?.responses ?? {};
    const schema = responses['400']?.content?.['application/problem+json']?.schema as {
      properties?: Record<string, { items?: { properties?: Record<string, unknown> } }>;
      required?: string[];
    };
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(
      ['code', 'detail', 'errors', 'status', 'title', 'traceId', 'type'].sort(),
    );
    expect([...(schema.required ?? [])].sort()).toEqual(['code', 'detail', 'status', 'title', 'type']);
    expect(Object.keys(schema.properties?.['errors']?.items?.properties ?? {}).sort()).toEqual([
      'field',
      'message',
    ]);
    // 422: the same Idempotency-Key with another body; 429 and 503 say when to come back.
    expect(Object.keys(responses)).toEqual(expect.arrayContaining(['422', '429', '503']));
    for (const status of ['429', '503']) {
      expect(Object.keys((responses[status] as { headers?: object }).headers ?? {})).toEqual(['Retry-After']);
    }
  });

  it('documents where a placed order is, and when it is a replay', () => {
    const accepted = document.paths['/v1/orders']?.['post']?.responses['202'] as { headers?: object };
    expect(Object.keys(accepted.headers ?? {}).sort()).toEqual(['Idempotent-Replayed', 'Location']);
  });

  it('declares the bearer scheme', () => {
    expect(document.components?.securitySchemes?.['bearerAuth']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });

  it('serves Swagger UI at /docs', async () => {
    let response = await gateway.app.inject({ method: 'GET', url: '/docs' });
    if (response.statusCode >= 300 && response.statusCode < 400) {
      response = await gateway.app.inject({ method: 'GET', url: String(response.headers.location) });
    }
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).toMatch(/swagger-ui/i);
  });
});
