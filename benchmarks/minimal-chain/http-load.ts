/** The chain benchmark's HTTP side: autocannon load, the bare Fastify baseline, extra process groups. */
import autocannon from 'autocannon';
import type { ProcessGroups } from '../kit/cpu';
import { round } from '../kit/figures';
import { startChild } from './launch';

/** A bare Fastify server in a process of its own, answering a constant the size of the gateway's answer. */
export async function startBareFastify(body: unknown) {
  const source = `
    const app = require('fastify')({ logger: false });
    const body = ${JSON.stringify(JSON.stringify(body))};
    app.get('/v1/users/me', (request, reply) => { reply.header('content-type', 'application/json; charset=utf-8').send(body); });
    app.listen({ host: '127.0.0.1', port: 0 }).then((address) => console.log(address));
    process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
  `;
  const { child, firstLine } = await startChild(['-e', source], process.env);
  return { url: firstLine.trim(), child };
}

/** A closed loop of `connections` keep-alive connections for `durationS`, answers other than 2xx counted as errors. */
export async function httpLoad(
  url: string,
  connections: number,
  token: string | undefined,
  durationS: number,
): Promise<{ perSecond: number; requests: number; errors: number; p50: number; p99: number }> {
  const result = await autocannon({
    url,
    connections,
    pipelining: 1,
    duration: durationS,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const ok = result['2xx'];
  return {
    perSecond: round(ok / result.duration, 1),
    requests: ok,
    errors: result.errors + result.timeouts + result.non2xx,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

/** `base` plus processes started next to the stack, each a group of its own. */
export function groupsWith(base: ProcessGroups, extra: Record<string, number>): ProcessGroups {
  return {
    resolve() {
      const groups = base.resolve();
      for (const [name, pid] of Object.entries(extra)) groups.set(name, [pid]);
      return groups;
    },
  };
}
