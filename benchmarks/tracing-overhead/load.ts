/**
 * The load: customers signed up beforehand, then a closed loop of them checking out. Each places an
 * order and waits for the saga to finish it (the confirmation mail) before placing the next, so what
 * is counted is whole checkouts, and the saga cannot fall behind the orders unnoticed.
 */
import { Agent, request } from 'node:http';
import { shopClient } from '../../apps/shop-e2e/src/shop-client';
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
}

const ORDER_BODY = JSON.stringify({
  items: [{ sku: 'BOOK-42', quantity: 2, unitPriceCents: 1250 }],
  currency: 'EUR',
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
  const customer = async (who: Customer) => {
    for (;;) {
      const sent = performance.now();
      if (sent >= measureTo) return;
      const outcome = await checkout(who);
      const done = performance.now();
      if (done < measureFrom || done > measureTo) continue;
      if (outcome === 'settled') {
        result.completed += 1;
        if (sent >= measureFrom) result.latenciesMs.push(done - sent);
      } else {
        result.errors[outcome] = (result.errors[outcome] ?? 0) + 1;
      }
    }
  };
  await Promise.all(
    Array.from({ length: concurrency }, (_, i) => customer(customers[i % customers.length]!)),
  );
  clearTimeout(measureTimer);
  const cpu = process.cpuUsage(cpuAtStart);
  result.clientCpuMs = (cpu.user + cpu.system) / 1000;
  agent.destroy();
  return result;
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
