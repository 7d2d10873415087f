import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { shopClient } from './shop-client';

/** A stand-in gateway: answers each route as the real one would, and remembers what it was sent. */
function startGateway(route: (request: IncomingMessage, body: string, response: ServerResponse) => void) {
  const received: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      route(request, body, response);
    });
  });
  return new Promise<{ url: string; received: typeof received; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        received,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

describe('shopClient', () => {
  it('signs up and logs in, and sends the token on later calls', async () => {
    const gateway = await startGateway((request, _body, response) => {
      if (request.url === '/v1/users') return json(response, 201, { id: 'u-1' });
      if (request.url === '/v1/auth/token') return json(response, 200, { accessToken: 'tok-1' });
      return json(response, 200, { items: [] });
    });
    try {
      const shop = shopClient(gateway.url);
      const customer = await shop.signUp('ada@example.com', 'Ada', 'analytical engine');
      expect(customer).toEqual({ id: 'u-1', email: 'ada@example.com', token: 'tok-1' });
      await shop.listOrders(customer.token, '?limit=5');

      expect(gateway.received.map((call) => `${call.method} ${call.url}`)).toEqual([
        'POST /v1/users',
        'POST /v1/auth/token',
        'GET /v1/orders?limit=5',
      ]);
      expect(JSON.parse(gateway.received[0]!.body)).toEqual({
        email: 'ada@example.com',
        name: 'Ada',
        password: 'analytical engine',
      });
      expect(gateway.received[0]!.headers['content-type']).toBe('application/json');
      expect(gateway.received[2]!.headers['authorization']).toBe('Bearer tok-1');
    } finally {
      await gateway.close();
    }
  });

  it('names the status and the answer when sign-up is refused', async () => {
    const gateway = await startGateway((_request, _body, response) =>
      json(response, 409, { code: 'ALREADY_EXISTS' }),
    );
    try {
      await expect(shopClient(gateway.url).signUp('ada@example.com')).rejects.toThrow(
        'sign-up failed: 409 {"code":"ALREADY_EXISTS"}',
      );
    } finally {
      await gateway.close();
    }
  });

  it('places an order with its idempotency key and follows its status events to the end', async () => {
    const pending = { id: 'o-1', status: 'PENDING', items: [], totalCents: 2580, currency: 'EUR' };
    const gateway = await startGateway((request, _body, response) => {
      if (request.method === 'POST') return json(response, 202, pending);
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`: keep-alive\n\nevent: status\nid: 1\ndata: ${JSON.stringify(pending)}\n\n`);
      response.end(`event: status\nid: 2\ndata: ${JSON.stringify({ ...pending, status: 'CONFIRMED' })}\n\n`);
    });
    try {
      const shop = shopClient(gateway.url);
      const placed = await shop.placeOrder('tok-1', 'pm_card_visa', 'key-1');
      expect(placed.status).toBe(202);
      expect(gateway.received[0]!.headers['idempotency-key']).toBe('key-1');
      expect(JSON.parse(gateway.received[0]!.body)).toMatchObject({ paymentMethod: 'pm_card_visa' });

      const watch = await shop.watchOrder('tok-1', 'o-1');
      expect(watch.status).toBe(200);
      expect(gateway.received[1]!.url).toBe('/v1/orders/o-1/events');
      const seen: string[] = [];
      for await (const event of watch.events) seen.push(`${event.id}:${event.order.status}`);
      expect(seen).toEqual(['1:PENDING', '2:CONFIRMED']);
    } finally {
      await gateway.close();
    }
  });
});
