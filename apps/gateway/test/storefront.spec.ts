import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectProblem, startTestGateway, type TestGateway } from './gateway';

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('gateway: the storefront at /', () => {
  let build: string;
  let gateway: TestGateway;

  beforeAll(async () => {
    // A build as Vite lays it out: index.html, hashed assets, plain public files.
    build = await mkdtemp(join(tmpdir(), 'storefront-'));
    await mkdir(join(build, 'assets'));
    await mkdir(join(build, 'images', 'products'), { recursive: true });
    await writeFile(join(build, 'index.html'), '<!doctype html><title>Shop</title><div id="app"></div>');
    await writeFile(join(build, 'assets', 'index-Ab12Cd34.js'), 'console.log("shop")');
    await writeFile(
      join(build, 'images', 'products', 'milk-jug.svg'),
      '<svg xmlns="http://www.w3.org/2000/svg"/>',
    );
    gateway = await startTestGateway({ STOREFRONT_DIR: build, JAEGER_UI_URL: 'http://localhost:16686' });
  });

  afterAll(async () => {
    await gateway?.close();
    await rm(build, { recursive: true, force: true });
  });

  it('answers / with index.html, revalidated on every load', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/', headers: HTML });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.body).toContain('<div id="app">');
  });

  it.each(['/orders/0b7c6f1e-8d1a-4c55-9a43-2f0e3c1d9b11', '/cart', '/products/milk-jug'])(
    'answers the page path %s with index.html, for the app to route',
    async (url) => {
      const response = await gateway.app.inject({ method: 'GET', url, headers: HTML });
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toContain('<div id="app">');
    },
  );

  it('caches hashed assets for good and other files for an hour', async () => {
    const asset = await gateway.app.inject({ method: 'GET', url: '/assets/index-Ab12Cd34.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const image = await gateway.app.inject({ method: 'GET', url: '/images/products/milk-jug.svg' });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(image.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('serves a file a browser opens directly (it accepts HTML) as the file, not as the app', async () => {
    const response = await gateway.app.inject({
      method: 'GET',
      url: '/images/products/milk-jug.svg',
      headers: HTML,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^image\/svg\+xml/);
  });

  it('serves a new build as soon as it is written, without a restart', async () => {
    await writeFile(join(build, 'assets', 'index-Ef56Gh78.js'), 'console.log("new build")');
    const response = await gateway.app.inject({ method: 'GET', url: '/assets/index-Ef56Gh78.js' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('new build');
  });

  it('never serves a file outside the build directory', async () => {
    for (const url of ['/..%2f..%2f..%2fetc%2fpasswd', '/assets/..%2f..%2f..%2fetc/passwd']) {
      const response = await gateway.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(response.body).not.toContain('root:');
    }
  });

  it('keeps unknown API paths a JSON 404, even for a browser asking for HTML', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/v1/nothing-here', headers: HTML });
    expect(response.statusCode).toBe(404);
    expectProblem(response, 'NOT_FOUND');
  });

  it('answers a missing file that is not a page (a script, an image) with a 404, not index.html', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/assets/gone-123.js' });
    expect(response.statusCode).toBe(404);
    expectProblem(response, 'NOT_FOUND');
  });

  it("tells the page where Jaeger's UI is", async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/storefront/config.json' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ jaegerUiUrl: 'http://localhost:16686' });
  });
});

describe('gateway: without a storefront build', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ STOREFRONT_DIR: join(tmpdir(), 'no-storefront-build-here') });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('answers / with a 404 problem that says so, and keeps serving the API', async () => {
    const page = await gateway.app.inject({ method: 'GET', url: '/', headers: HTML });
    expect(page.statusCode).toBe(404);
    expect(expectProblem(page, 'NOT_FOUND').detail).toMatch(/storefront is not installed/);
    const health = await gateway.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
  });

  it('has no Jaeger link to offer when JAEGER_UI_URL is unset', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/storefront/config.json' });
    expect(response.json()).toEqual({ jaegerUiUrl: null });
  });
});
