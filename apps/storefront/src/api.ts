/**
 * The shop's HTTP API as the storefront uses it: same origin, JSON in and out, the access token as a
 * bearer header. Every failure becomes an ApiError carrying the message the gateway wrote for people.
 */
import { createParser } from 'eventsource-parser';

/** A product as GET /v1/products answers it (ProductSchema of libs/shop-api), not the catalog's own. */
export interface Product {
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  imageUrl: string;
}

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED';

export interface Order {
  id: string;
  status: OrderStatus;
  items: { sku: string; quantity: number; unitPriceCents: number }[];
  totalCents: number;
  currency: string;
  paymentMethod: string;
  cancellationReason?: string;
  createdAt: string;
  updatedAt: string;
}

export interface User {
  id: string;
  email: string;
  name: string;
}

export interface Email {
  id: string;
  subject: string;
  template: string;
  sentAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface StorefrontConfig {
  jaegerUiUrl: string | null;
}

/** An answer other than 2xx, with the gateway's message (or a plain one when the body has none). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The gateway's error answers: RFC 9457 problem details, with the stable `code` and a field list. */
interface ProblemBody {
  code?: string;
  detail?: string;
  errors?: { field?: string; message: string }[];
}

async function toApiError(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as ProblemBody;
  const details = (body.errors ?? []).map((detail) =>
    detail.field ? `${detail.field}: ${detail.message}` : detail.message,
  );
  const message = [body.detail ?? `The shop answered ${response.status}`, ...details].join('; ');
  return new ApiError(response.status, body.code ?? 'UNKNOWN', message);
}

interface RequestOptions {
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {
    accept: 'application/json, application/problem+json',
    ...options.headers,
  };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      ...(options.signal && { signal: options.signal }),
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError(0, 'UNAVAILABLE', 'The shop cannot be reached; check your connection and try again');
  }
  if (!response.ok) throw await toApiError(response);
  return response;
}

const json = async <T>(method: string, path: string, options?: RequestOptions): Promise<T> =>
  (await (await send(method, path, options)).json()) as T;

export const api = {
  products: () => json<{ items: Product[] }>('GET', '/v1/products').then((page) => page.items),
  product: (sku: string) => json<Product>('GET', `/v1/products/${encodeURIComponent(sku)}`),

  signUp: (input: { email: string; password: string; name: string }) =>
    json<User>('POST', '/v1/users', { body: input }),
  logIn: (input: { email: string; password: string }) =>
    json<{ accessToken: string; expiresIn: number }>('POST', '/v1/auth/token', { body: input }),
  me: (token: string) => json<User>('GET', '/v1/users/me', { token }),

  /** Places the order; the trace id the gateway answers with links the order page to its trace. */
  async placeOrder(
    token: string,
    input: { items: { sku: string; quantity: number }[]; paymentMethod: string },
    idempotencyKey: string,
  ): Promise<{ order: Order; traceId: string | null }> {
    const response = await send('POST', '/v1/orders', {
      token,
      body: input,
      headers: { 'idempotency-key': idempotencyKey },
    });
    return { order: (await response.json()) as Order, traceId: response.headers.get('x-trace-id') };
  },
  order: (token: string, id: string) => json<Order>('GET', `/v1/orders/${encodeURIComponent(id)}`, { token }),
  orders: (token: string, cursor?: string | null) =>
    json<Page<Order>>('GET', `/v1/orders?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      token,
    }),
  emails: (token: string, cursor?: string | null) =>
    json<Page<Email>>('GET', `/v1/users/me/emails${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`, {
      token,
    }),
  config: () => json<StorefrontConfig>('GET', '/storefront/config.json'),

  /**
   * Follows an order's status stream (Server-Sent Events over fetch, since EventSource cannot send the
   * bearer token): `onOrder` gets the current state first, then each change. Resolves when the stream
   * ends (the order settled) and rejects on an error answer or a broken connection.
   */
  async followOrder(token: string, id: string, onOrder: (order: Order) => void, signal: AbortSignal) {
    const response = await send('GET', `/v1/orders/${encodeURIComponent(id)}/events`, {
      token,
      headers: { accept: 'text/event-stream' },
      signal,
    });
    if (!response.body) throw new ApiError(0, 'UNAVAILABLE', 'The status stream has no body');
    const parser = createParser({
      onEvent: (event) => {
        if (event.event === 'status') onOrder(JSON.parse(event.data) as Order);
      },
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      parser.feed(value);
    }
  },
};
