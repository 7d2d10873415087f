import type { HttpClient } from '../http-client';
import { orderBody, APPROVED_CARD } from './checkout';
import { SIGNUP_PASSWORD } from './signup';
import { stringField, type PreparedUser } from './types';

/** Runs `task` for 0..count-1 with at most `concurrency` at a time. */
async function forEachLimited(count: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

function describe(result: Awaited<ReturnType<HttpClient['request']>>): string {
  return result.ok
    ? `HTTP ${result.response.status} ${JSON.stringify(result.response.body)}`
    : result.errorKind;
}

/**
 * The customers of the run, registered and logged in before anything is measured, each with
 * `ordersPerUser` orders (for browsing). Sign-ups are few at a time: each hashes a password.
 */
export async function prepareUsers(
  http: HttpClient,
  options: { runId: string; users: number; ordersPerUser: number },
): Promise<PreparedUser[]> {
  const users: PreparedUser[] = [];
  await forEachLimited(options.users, 4, async (i) => {
    const email = `loadgen-${options.runId}-user${i}@example.com`;
    const registered = await http.request('POST', '/v1/users', {
      body: { email, name: 'Load Tester', password: SIGNUP_PASSWORD },
    });
    if (!registered.ok || registered.response.status !== 201)
      throw new Error(`preparing users: sign-up of ${email} failed: ${describe(registered)}`);
    const login = await http.request('POST', '/v1/auth/token', {
      body: { email, password: SIGNUP_PASSWORD },
    });
    const token =
      login.ok && login.response.status === 200 ? stringField(login.response.body, 'accessToken') : undefined;
    if (!token) throw new Error(`preparing users: log-in of ${email} failed: ${describe(login)}`);
    const user: PreparedUser = { email, token, orderIds: [] };
    for (let n = 0; n < options.ordersPerUser; n++) {
      const placed = await http.request('POST', '/v1/orders', {
        token,
        body: orderBody(APPROVED_CARD),
        headers: { 'idempotency-key': `loadgen-${options.runId}-user${i}-order${n}` },
      });
      const id =
        placed.ok && placed.response.status === 202 ? stringField(placed.response.body, 'id') : undefined;
      if (!id) throw new Error(`preparing orders: an order of ${email} failed: ${describe(placed)}`);
      user.orderIds.push(id);
    }
    users.push(user);
  });
  return users;
}
