import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpClient, HttpResult, RequestOptions } from '../http-client';
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

// Answers that say "not now" rather than "no": an overloaded or restarting shop, a rate limit.
const TRY_AGAIN = new Set([429, 502, 503, 504]);
const ATTEMPTS = 6;

/**
 * Preparing is not measuring: a request refused for the moment is tried again, with a backoff (0.25 s
 * doubling), so that a busy machine delays the run instead of failing it. Returns the last answer and
 * whether an earlier attempt may have done the work before its answer was lost (a timeout).
 */
export async function requestPatiently(
  http: Pick<HttpClient, 'request'>,
  method: string,
  path: string,
  options: RequestOptions,
  backoffMs = 250,
): Promise<{ result: HttpResult; retried: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const result = await http.request(method, path, options);
    const transient = !result.ok || TRY_AGAIN.has(result.response.status);
    if (!transient || attempt === ATTEMPTS) return { result, retried: attempt > 1 };
    await sleep(backoffMs * 2 ** (attempt - 1));
  }
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
    const { result: registered, retried } = await requestPatiently(http, 'POST', '/v1/users', {
      body: { email, name: 'Load Tester', password: SIGNUP_PASSWORD },
    });
    // A 409 after a retry is this run's own sign-up, whose first answer timed out after it succeeded.
    const signedUp =
      registered.ok &&
      (registered.response.status === 201 || (retried && registered.response.status === 409));
    if (!signedUp) throw new Error(`preparing users: sign-up of ${email} failed: ${describe(registered)}`);
    const { result: login } = await requestPatiently(http, 'POST', '/v1/auth/token', {
      body: { email, password: SIGNUP_PASSWORD },
    });
    const token =
      login.ok && login.response.status === 200 ? stringField(login.response.body, 'accessToken') : undefined;
    if (!token) throw new Error(`preparing users: log-in of ${email} failed: ${describe(login)}`);
    const user: PreparedUser = { email, token, orderIds: [] };
    for (let n = 0; n < options.ordersPerUser; n++) {
      // The idempotency key makes a retry after a lost answer return the order placed, not a second one.
      const { result: placed } = await requestPatiently(http, 'POST', '/v1/orders', {
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
