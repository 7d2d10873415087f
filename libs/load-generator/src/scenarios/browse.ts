import { expectStatus, pick, stringField, type Scenario } from './types';

/** A customer looks at their orders: the first page of the list, then one order from it. */
export const browse: Scenario = {
  name: 'browse',
  needsOrders: true,
  async run(env) {
    const user = pick(env.users, () => env.random());
    const list = await env.call('GET /v1/orders', 'GET', '/v1/orders?limit=10', { token: user.token });
    const listed = expectStatus(list, 200);
    if (!listed.ok || !list.ok) return listed;
    const body = list.response.body as { items?: unknown };
    const items = Array.isArray(body.items) ? (body.items as unknown[]) : [];
    const id =
      items.length > 0
        ? stringField(
            pick(items, () => env.random()),
            'id',
          )
        : pick(user.orderIds, () => env.random());
    if (!id) return { ok: false, errorKind: 'unexpected response' };
    const order = await env.call('GET /v1/orders/:id', 'GET', `/v1/orders/${id}`, { token: user.token });
    return expectStatus(order, 200);
  },
};
