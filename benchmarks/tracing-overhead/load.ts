/**
 * The load: customers signed up beforehand, then a closed loop of them checking out. Each places an
 * order and waits for the saga to finish it (the confirmation mail) before placing the next, so what
 * is counted is whole checkouts, and the saga cannot fall behind the orders unnoticed.
 */
import { Agent, request } from 'node:http';
import { shopClient } from '@shop/shop-client';
import type { CheckoutMails } from './checkout-mails';

export interface LoadResult {
  /** Checkouts whose confirmation mail arrived within the measured window. */
  completed: number;
  errors: Record<string, number>;
  /** From sending the POST to the confirmation mail, of checkouts started and ended in the window. */
  latenciesMs: number[];
  clientCpuMs: number;
}

export interface Customer {
  email: string;
  token: string;
}

// A checkout that takes longer than this is counted as an error, and its customer moves on.
const SETTLE_TIMEOUT_MS = 30_000;

export interface LoadTiming {
  concurrency: number;
  warmupS: number;
  durationS: number;
  /**
   * Checkouts started per second (open loop), or undefined for a closed loop. At a fixed rate every
   * variant does the same work per second, so its CPU per checkout compares without the bias of a
   * closed loop, where the slower variant also spreads the shop's fixed per-second costs (polling)
   * over fewer checkouts. `concurrency` customers take turns, each with at most one checkout in flight
   * (its confirmation mail names it).
   */
  rate?: number | undefined;
}

const ORDER_BODY = JSON.stringify({
  items: [{ sku: 'beans-huila', quantity: 2 }],
  paymentMethod: 'pm_card_visa',
});

/** Answers the status (or the connection error's code). */
function placeOrder(agent: Agent, url: URL, token: string): Promise<string> {
  return new Promise((resolve) => {
    const outgoing = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: '/v1/orders',
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(ORDER_BODY),
        },
      },
      (response) => {
        response.resume();
        response.once('end', () => resolve(String(response.statusCode)));
        response.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'response error'));
      },
    );
    outgoing.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    outgoing.end(ORDER_BODY);
  });
}

/** Runs the warm-up and then the measured window back to back; counts only what completes in the window. */
export async function runLoad(
  gatewayUrl: string,
  customers: readonly Customer[],
  mails: CheckoutMails,
  timing: LoadTiming,
  onMeasureStart: () => void,
): Promise<LoadResult> {
  const { concurrency, warmupS, durationS } = timing;
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  const url = new URL(gatewayUrl);
  const start = performance.now();
  const measureFrom = start + warmupS * 1000;
  const measureTo = measureFrom + durationS * 1000;
  const result: LoadResult = { completed: 0, errors: {}, latenciesMs: [], clientCpuMs: 0 };
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  const measureTimer = setTimeout(() => {
    cpuAtStart = process.cpuUsage();
    onMeasureStart();
  }, warmupS * 1000);

  const checkout = async ({ email, token }: Customer): Promise<string> => {
    const status = await placeOrder(agent, url, token);
    if (status !== '202') return status;
    return mails.settled(email, SETTLE_TIMEOUT_MS);
  };
  const count = (sent: number, outcome: string) => {
    const done = performance.now();
    if (done < measureFrom || done > measureTo) return;
    if (outcome === 'settled') {
      result.completed += 1;
      if (sent >= measureFrom) result.latenciesMs.push(done - sent);
    } else {
      result.errors[outcome] = (result.errors[outcome] ?? 0) + 1;
    }
  };
  if (timing.rate !== undefined) {
    await openLoop(timing.rate, customers.slice(0, concurrency), measureTo, checkout, count);
  } else {
    await Promise.all(
      Array.from({ length: concurrency }, async (_, i) => {
        const who = customers[i % customers.length]!;
        while (performance.now() < measureTo) {
          const sent = performance.now();
          count(sent, await checkout(who));
        }
      }),
    );
  }
  clearTimeout(measureTimer);
  const cpu = process.cpuUsage(cpuAtStart);
  result.clientCpuMs = (cpu.user + cpu.system) / 1000;
  agent.destroy();
  return result;
}

/**
 * Starts a checkout every 1/rate seconds with the next idle customer until `until`, and waits for the
 * ones in flight. When every customer is still waiting for a checkout, the tick is counted as the
 * error `no idle customer` rather than queued: the offered load stays what was asked.
 */
async function openLoop(
  rate: number,
  customers: readonly Customer[],
  until: number,
  checkout: (who: Customer) => Promise<string>,
  count: (sent: number, outcome: string) => void,
): Promise<void> {
  const idle = [...customers];
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  for (let tick = 0; ; tick++) {
    const due = start + (tick * 1000) / rate;
    if (due >= until) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const who = idle.shift();
    if (!who) {
      count(performance.now(), 'no idle customer');
      continue;
    }
    const sent = performance.now();
    const one = checkout(who).then((outcome) => {
      count(sent, outcome);
      idle.push(who);
      inFlight.delete(one);
    });
    inFlight.add(one);
  }
  await Promise.all(inFlight);
}

/**
 * One customer (address and token) per concurrent client, made before anything is measured. Password hashing is
 * scrypt on the users service's thread pool, so a few at a time; a sign-up the service was too busy to
 * answer in time is tried again under a new address.
 */
export async function prepareCustomers(
  gatewayUrl: string,
  run: string,
  concurrency: number,
): Promise<Customer[]> {
  const shop = shopClient(gatewayUrl);
  const customers: Customer[] = [];
  let attempt = 0;
  const parallel = 2;
  const one = async (): Promise<Customer> => {
    for (let tries = 1; ; tries++) {
      try {
        const user = await shop.signUp(`bench-${run}-${attempt++}@example.com`, 'Bench Customer');
        return { email: user.email, token: user.token };
      } catch (error) {
        if (tries >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  for (let first = 0; first < concurrency; first += parallel) {
    const batch = Array.from({ length: Math.min(parallel, concurrency - first) }, one);
    customers.push(...(await Promise.all(batch)));
  }
  return customers;
}
