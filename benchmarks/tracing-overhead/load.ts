/** The load: users signed up beforehand, then a closed loop of them placing orders. */
import { Agent, request } from 'node:http';
import { shopClient } from '../../apps/shop-e2e/src/shop-client';

export interface LoadResult {
  accepted: number;
  errors: Record<string, number>;
  latenciesMs: number[];
  clientCpuMs: number;
}

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
  tokens: readonly string[],
  timing: LoadTiming,
  onMeasureStart: () => void,
): Promise<LoadResult> {
  const { concurrency, warmupS, durationS } = timing;
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  const url = new URL(gatewayUrl);
  const start = performance.now();
  const measureFrom = start + warmupS * 1000;
  const measureTo = measureFrom + durationS * 1000;
  const result: LoadResult = { accepted: 0, errors: {}, latenciesMs: [], clientCpuMs: 0 };
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  const measureTimer = setTimeout(() => {
    cpuAtStart = process.cpuUsage();
    onMeasureStart();
  }, warmupS * 1000);

  const user = async (token: string) => {
    for (;;) {
      const sent = performance.now();
      if (sent >= measureTo) return;
      const status = await placeOrder(agent, url, token);
      const done = performance.now();
      if (done < measureFrom || done > measureTo) continue;
      if (status === '202') {
        result.accepted += 1;
        if (sent >= measureFrom) result.latenciesMs.push(done - sent);
      } else {
        result.errors[status] = (result.errors[status] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => user(tokens[i % tokens.length] as string)));
  clearTimeout(measureTimer);
  const cpu = process.cpuUsage(cpuAtStart);
  result.clientCpuMs = (cpu.user + cpu.system) / 1000;
  agent.destroy();
  return result;
}

/**
 * One user (and token) per concurrent client, made before anything is measured. Password hashing is
 * scrypt on the users service's thread pool, so a few at a time; a sign-up the service was too busy to
 * answer in time is tried again under a new address.
 */
export async function prepareUsers(gatewayUrl: string, run: string, concurrency: number): Promise<string[]> {
  const shop = shopClient(gatewayUrl);
  const tokens: string[] = [];
  let attempt = 0;
  const parallel = 2;
  const one = async (): Promise<string> => {
    for (let tries = 1; ; tries++) {
      try {
        const user = await shop.signUp(`bench-${run}-${attempt++}@example.com`, 'Bench Customer');
        return user.token;
      } catch (error) {
        if (tries >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  for (let first = 0; first < concurrency; first += parallel) {
    const batch = Array.from({ length: Math.min(parallel, concurrency - first) }, one);
    tokens.push(...(await Promise.all(batch)));
  }
  return tokens;
}
