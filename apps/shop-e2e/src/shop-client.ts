/** A thin client of the gateway's public HTTP API: what a user of the shop would call, nothing more. */
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

export interface Order {
  id: string;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
  items: OrderItem[];
  totalCents: number;
  currency: string;
  cancellationReason?: string;
  payment?: { id: string; outcome: 'SUCCEEDED' | 'FAILED'; declineCode?: string };
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
        body: {
          items: [{ sku: 'BOOK-42', quantity: 2, unitPriceCents: 1250 }],
          currency: 'EUR',
          paymentMethod,
        },
        ...(idempotencyKey && { headers: { 'idempotency-key': idempotencyKey } }),
      });
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
