/** A thin client of the gateway's public HTTP API: what a user of the shop would call, nothing more. */
import { readServerSentEvents } from '@shop/event-stream';

export interface ApiResponse<Body = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: Body;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as is, for malformed input. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface OrderItem {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

/** A product as GET /v1/products answers it (ProductSchema of libs/shop-api), not the catalog's own. */
export interface Product {
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  imageUrl: string;
}

/** What `placeOrder` orders: two bags of a catalog product, at the price the catalog seeds for it. */
export const DEFAULT_ORDER_ITEMS: readonly OrderItem[] = [
  { sku: 'beans-huila', quantity: 2, unitPriceCents: 1290 },
];

export interface Order {
  id: string;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
  items: OrderItem[];
  totalCents: number;
  currency: string;
  cancellationReason?: string;
  payment?: { id: string; outcome: 'SUCCEEDED' | 'FAILED'; declineCode?: string };
}

/** One `status` event of an order's live stream: its sequence number and the order as it was. */
export interface OrderStatusEvent {
  id: string | undefined;
  order: Order;
}

export interface SentEmail {
  id: string;
  subject: string;
  template: string;
  sentAt: string;
}

/**
 * Follows `GET /v1/orders/:id/events` with fetch (a browser's EventSource cannot send the bearer token):
 * the answer's status, and its events until the gateway ends the stream; `stop` hangs up early.
 */
async function watchOrder(baseUrl: string, token: string, id: string) {
  const hangUp = new AbortController();
  const response = await fetch(`${baseUrl}/v1/orders/${id}/events`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: hangUp.signal,
  });
  async function* events(): AsyncGenerator<OrderStatusEvent> {
    if (!response.body) return;
    for await (const event of readServerSentEvents(response.body)) {
      if (event.event === 'status') yield { id: event.id, order: JSON.parse(event.data) as Order };
    }
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events: events(),
    stop: () => hangUp.abort(),
  };
}

export function shopClient(baseUrl: string) {
  const request = async <Body = Record<string, unknown>>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<Body>> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let payload: string | undefined = options.rawBody;
    if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload ?? null });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : {}) as Body,
    };
  };

  return {
    request,
    async signUp(email: string, name = 'Test Customer', password = 'correct horse battery') {
      const registered = await request<{ id: string }>('POST', '/v1/users', {
        body: { email, name, password },
      });
      if (registered.status !== 201)
        throw new Error(`sign-up failed: ${registered.status} ${JSON.stringify(registered.body)}`);
      const token = await request<{ accessToken: string }>('POST', '/v1/auth/token', {
        body: { email, password },
      });
      if (token.status !== 200)
        throw new Error(`log-in failed: ${token.status} ${JSON.stringify(token.body)}`);
      return { id: registered.body.id, email, token: token.body.accessToken };
    },
    placeOrder(token: string, paymentMethod: string, idempotencyKey?: string) {
      return request<Order>('POST', '/v1/orders', {
        token,
        body: { items: DEFAULT_ORDER_ITEMS, paymentMethod },
        ...(idempotencyKey && { headers: { 'idempotency-key': idempotencyKey } }),
      });
    },
    listProducts() {
      return request<{ items: Product[] }>('GET', '/v1/products');
    },
    getProduct(sku: string) {
      return request<Product>('GET', `/v1/products/${sku}`);
    },
    watchOrder(token: string, id: string) {
      return watchOrder(baseUrl, token, id);
    },
    listEmails(token: string, query = '') {
      return request<{ items: SentEmail[]; nextCursor: string | null }>(
        'GET',
        `/v1/users/me/emails${query}`,
        {
          token,
        },
      );
    },
    getOrder(token: string, id: string) {
      return request<Order>('GET', `/v1/orders/${id}`, { token });
    },
    listOrders(token: string, query = '') {
      return request<{ items: Order[]; nextCursor?: string }>('GET', `/v1/orders${query}`, { token });
    },
  };
}

export type ShopClient = ReturnType<typeof shopClient>;
