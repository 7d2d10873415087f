import type { FinalStatus, SettleOutcome } from '../metrics';
import { expectStatus, pick, stringField, type ScenarioEnv, type Scenario } from './types';

export const APPROVED_CARD = 'pm_card_visa';
export const DECLINED_CARD = 'pm_card_chargeDeclined';

export function orderBody(paymentMethod: string) {
  return {
    // A catalog product; the shop prices it (see the catalog migration of orders-service).
    items: [{ sku: 'beans-huila', quantity: 2 }],
    paymentMethod,
  };
}

/** Polls never wait longer than this, however old the order. */
export const MAX_POLL_INTERVAL_MS = 1000;

/**
 * The wait before the next poll: the poll interval while the order is young, then a tenth of its age
 * (at most a second). The settle latency is then exact to max(poll interval, 10%), and an overloaded
 * shop, whose orders take seconds, is not buried under polls that would make it slower still.
 */
export function nextPollDelayMs(ageMs: number, pollIntervalMs: number): number {
  return Math.min(MAX_POLL_INTERVAL_MS, Math.max(pollIntervalMs, ageMs / 10));
}

/**
 * Polls the order until the saga has settled it. The settle latency runs from the order's intended
 * start to the poll that first saw the final state.
 */
export async function followOrder(
  env: ScenarioEnv,
  token: string,
  id: string,
  intendedAt: number,
  expected: FinalStatus,
): Promise<SettleOutcome> {
  const deadline = intendedAt + env.checkout.settleTimeoutMs;
  for (;;) {
    await env.clock.sleep(nextPollDelayMs(env.clock.now() - intendedAt, env.checkout.pollIntervalMs));
    const result = await env.poll(`/v1/orders/${id}`, token);
    const at = env.clock.now();
    if (result.ok && result.response.status === 200) {
      const status = stringField(result.response.body, 'status');
      if (status === 'CONFIRMED' || status === 'CANCELLED')
        return { kind: 'settled', status, expected, settleMs: at - intendedAt, at };
    }
    if (at > deadline) return { kind: 'timeout', at };
  }
}

/**
 * Waits for the order's outcome on its event stream (`GET /v1/orders/:id/events`), which the gateway
 * pushes as soon as it hears it: one request per order, however long it takes, where polling would load
 * the gateway with many. The settle latency runs from the order's intended start to the event that first
 * shows the final state. A stream that fails or ends early falls back to polling for the rest of the wait.
 */
export async function watchOrder(
  env: ScenarioEnv,
  token: string,
  id: string,
  intendedAt: number,
  expected: FinalStatus,
): Promise<SettleOutcome> {
  let settled: SettleOutcome | undefined;
  await env.watch(`/v1/orders/${id}/events`, {
    token,
    timeoutMs: Math.max(1, intendedAt + env.checkout.settleTimeoutMs - env.clock.now()),
    onEvent(event) {
      if (event.event !== 'status') return false;
      const status = stringField(parseJson(event.data), 'status');
      if (status !== 'CONFIRMED' && status !== 'CANCELLED') return false;
      const at = env.clock.now();
      settled = { kind: 'settled', status, expected, settleMs: at - intendedAt, at };
      return true;
    },
  });
  return settled ?? followOrder(env, token, id, intendedAt, expected);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A customer places an order (202, PENDING). Its latency is the POST's; the order is then followed to
 * CONFIRMED or CANCELLED in the background, over its event stream or by polls, neither an arrival.
 */
export const checkout: Scenario = {
  name: 'checkout',
  needsOrders: false,
  async run(env, intendedAt) {
    const user = pick(env.users, () => env.random());
    const declined = env.random() < env.checkout.declineShare;
    const placed = await env.call('POST /v1/orders', 'POST', '/v1/orders', {
      token: user.token,
      body: orderBody(declined ? DECLINED_CARD : APPROVED_CARD),
      headers: { 'idempotency-key': env.uniqueId() },
    });
    const accepted = expectStatus(placed, 202);
    if (!accepted.ok || !placed.ok) return accepted;
    const id = stringField(placed.response.body, 'id');
    if (!id) return { ok: false, errorKind: 'unexpected response' };
    const expected = declined ? 'CANCELLED' : 'CONFIRMED';
    const follow = env.checkout.settle === 'stream' ? watchOrder : followOrder;
    env.track(follow(env, user.token, id, intendedAt, expected));
    return accepted;
  },
};
