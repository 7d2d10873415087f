/**
 * What the gateway's chain costs: GET /v1/users/me through the gateway (HTTP -> JWT check -> gRPC
 * users.GetUser over mutual TLS -> pg SELECT by primary key) against the minimal chain doing the same
 * hops with the same checks (benchmarks/minimal-chain: a bare Fastify server and a bare grpc-js server,
 * each a process of its own, the stack's certificates, key and database), the lower bound for that
 * work; and against its two ends alone: a bare Fastify route answering the same JSON as a constant, and
 * the same SELECT run directly from a pg pool.
 *
 *   npm run bench:gateway -- [--rounds 3] [--duration 10] [--warmup 2] [--connections 32]
 *                            [--variants gateway,minimal,fastify,pg] [--cpu-prof <dir>]
 *                            [--results gateway-chain] [--no-build]
 *
 * HTTP load comes from autocannon (in this process, keep-alive, closed loop of --connections); the pg
 * variant is a closed loop of --connections callers on a pool of 10 (the services' default). The
 * variants alternate round after round against one stack, so drift hits them alike. Per variant:
 * throughput, p50/p99 (service time: closed loop), and CPU per request of each process involved.
 * `--cpu-prof <dir>` runs every app of the stack and both minimal processes with `node --cpu-prof`;
 * the profiles are written to <dir> as they stop (read them with benchmarks/cpu-profile-top.ts).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createPool } from '@shop/db';
import type { Stack } from '@shop/stack';
import { shopClient } from '@shop/shop-client';
import { serviceConnection, startBenchStack } from './kit/bench-stack';
import { groupsWith, httpLoad, startBareFastify } from './minimal-chain/http-load';
import { startMinimalChain, stopChild, type MinimalChain } from './minimal-chain/launch';
import { closedLoop } from './kit/closed-loop';
import { cpuPercent, cpuSnapshot, stackProcessGroups } from './kit/cpu';
import { mean, percentile, round, summarize, table, writeResults } from './kit/figures';
import { describeMachine, loadAverage, machine } from './kit/machine';
import { parseList, positiveNumber, retrying, runScript } from './kit/script';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    variants: { type: 'string', default: 'gateway,minimal,fastify,pg' },
    'cpu-prof': { type: 'string' },
    results: { type: 'string', default: 'gateway-chain' },
    'no-build': { type: 'boolean', default: false },
  },
});
const ROUNDS = Math.round(positiveNumber('rounds', args.rounds));
const DURATION_S = positiveNumber('duration', args.duration);
const WARMUP_S = Number(args.warmup);
const CONNECTIONS = Math.round(positiveNumber('connections', args.connections));
const VARIANTS = parseList(args.variants);
for (const variant of VARIANTS)
  if (!['gateway', 'minimal', 'fastify', 'pg'].includes(variant))
    throw new Error(`unknown variant "${variant}"`);

const CPU_PROF_DIR = args['cpu-prof'] === undefined ? undefined : resolve(args['cpu-prof']);
const NODE_OPTIONS = CPU_PROF_DIR === undefined ? '' : `--cpu-prof --cpu-prof-dir=${CPU_PROF_DIR}`;

const USER_SQL = 'SELECT id, email, name, password_hash, created_at FROM users WHERE id = $1';

interface Phase {
  round: number;
  variant: string;
  perSecond: number;
  requests: number;
  errors: number;
  latencyMs: { p50: number; p99: number };
  /** CPU per request (ms) of each process group, and the percent of one core each used. */
  cpuMsPerRequest: Record<string, number>;
  cpuPercent: Record<string, number>;
  loadAverage: number;
}

/** The processes each variant involves (everything else is reported as other). */
const INVOLVED: Record<string, string[]> = {
  gateway: ['load generator', 'gateway#1', 'users-service#1', 'postgres (stack backends)'],
  minimal: ['load generator', 'minimal front', 'minimal service', 'postgres (stack backends)'],
  fastify: ['load generator', 'bare fastify'],
  pg: ['load generator', 'postgres (stack backends)'],
};

async function main(): Promise<void> {
  const host = machine();
  process.stdout.write(
    `Gateway chain: ${ROUNDS} round(s) of ${VARIANTS.join(' / ')}, ${WARMUP_S} s warm-up + ${DURATION_S} s each, ` +
      `${CONNECTIONS} connections\n${describeMachine(host)}\n\n`,
  );
  if (CPU_PROF_DIR !== undefined) mkdirSync(CPU_PROF_DIR, { recursive: true });
  const bench = await startBenchStack({
    label: 'gwchain',
    build: !args['no-build'],
    ...(NODE_OPTIONS && { env: { NODE_OPTIONS } }),
  });
  const stack: Stack = bench.stack;
  let fastify: Awaited<ReturnType<typeof startBareFastify>> | undefined;
  let minimal: MinimalChain | undefined;
  const pool = createPool(serviceConnection(stack, 'users-service'), {
    applicationName: 'bench-direct',
    max: 10,
  });
  try {
    const shop = shopClient(stack.gatewayUrl);
    const user = await retrying('sign-up', () =>
      shop.signUp(`bench-${Date.now()}@example.com`, 'Bench Customer'),
    );
    const me = await shop.request('GET', '/v1/users/me', { token: user.token });
    if (me.status !== 200) throw new Error(`GET /v1/users/me answered ${me.status}`);
    fastify = await startBareFastify(me.body);
    minimal = await startMinimalChain(stack, NODE_OPTIONS);
    const minimalMe = await fetch(`${minimal.url}/v1/users/me`, {
      headers: { authorization: `Bearer ${user.token}` },
    });
    const minimalBody: unknown = await minimalMe.json();
    if (JSON.stringify(minimalBody) !== JSON.stringify(me.body))
      throw new Error(`the minimal chain answered ${minimalMe.status} ${JSON.stringify(minimalBody)}`);
    const groups = groupsWith(stackProcessGroups(stack), {
      'bare fastify': fastify.child.pid ?? -1,
      'minimal front': minimal.pids.front,
      'minimal service': minimal.pids.service,
    });

    const run = async (variant: string, durationS: number) => {
      if (variant === 'gateway')
        return httpLoad(`${stack.gatewayUrl}/v1/users/me`, CONNECTIONS, user.token, durationS);
      if (variant === 'minimal')
        return httpLoad(`${minimal!.url}/v1/users/me`, CONNECTIONS, user.token, durationS);
      if (variant === 'fastify')
        return httpLoad(`${fastify!.url}/v1/users/me`, CONNECTIONS, undefined, durationS);
      const loop = await closedLoop(
        async () => {
          const { rows } = await pool.query(USER_SQL, [user.id]);
          if (rows.length !== 1) throw new Error('no row');
        },
        { concurrency: CONNECTIONS, durationMs: durationS * 1000 },
      );
      const latency = summarize(loop.latenciesMs);
      return {
        perSecond: loop.perSecond,
        requests: loop.latenciesMs.length,
        errors: loop.errors,
        p50: latency.p50,
        p99: latency.p99,
      };
    };

    const phases: Phase[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      for (const variant of VARIANTS) {
        if (WARMUP_S > 0) await run(variant, WARMUP_S);
        const before = cpuSnapshot(groups);
        const figures = await run(variant, DURATION_S);
        const after = cpuSnapshot(groups);
        const cpu = cpuPercent(before, after);
        const cpuMsPerRequest: Record<string, number> = {};
        for (const name of INVOLVED[variant] ?? [])
          cpuMsPerRequest[name] = round(((cpu[name] ?? 0) * 10) / Math.max(1, figures.perSecond), 3);
        const phase: Phase = {
          round: r,
          variant,
          perSecond: figures.perSecond,
          requests: figures.requests,
          errors: figures.errors,
          latencyMs: { p50: figures.p50, p99: figures.p99 },
          cpuMsPerRequest,
          cpuPercent: cpu,
          loadAverage: loadAverage()[0] ?? NaN,
        };
        phases.push(phase);
        process.stdout.write(
          `round ${r} ${variant.padEnd(7)} ${String(phase.perSecond).padStart(8)}/s  p50 ${phase.latencyMs.p50} ms  ` +
            `p99 ${phase.latencyMs.p99} ms  errors ${phase.errors}  machine busy ${cpu['machine busy']}% ` +
            `(other ${cpu['other']}%)  load average ${phase.loadAverage}\n`,
        );
      }
    }

    const byVariant = VARIANTS.map((variant) => {
      const own = phases.filter((phase) => phase.variant === variant);
      const names = INVOLVED[variant] ?? [];
      return {
        variant,
        perSecond: round(mean(own.map((phase) => phase.perSecond))),
        min: Math.min(...own.map((phase) => phase.perSecond)),
        max: Math.max(...own.map((phase) => phase.perSecond)),
        p50Ms: round(mean(own.map((phase) => phase.latencyMs.p50)), 2),
        p99Ms: round(mean(own.map((phase) => phase.latencyMs.p99)), 2),
        errors: own.reduce((sum, phase) => sum + phase.errors, 0),
        cpuMsPerRequest: Object.fromEntries(
          names.map((name) => [name, round(mean(own.map((phase) => phase.cpuMsPerRequest[name] ?? 0)), 3)]),
        ),
        otherCpuPercent: round(mean(own.map((phase) => phase.cpuPercent['other'] ?? 0))),
        /** Every involved process's CPU per request, summed: what a request costs the machine. */
        cpuMsPerRequestTotal: round(
          mean(own.map((phase) => Object.values(phase.cpuMsPerRequest).reduce((sum, ms) => sum + ms, 0))),
          3,
        ),
      };
    });
    const rate = (variant: string) => byVariant.find((entry) => entry.variant === variant)?.perSecond;
    const ratio = (a: string, b: string) => {
      const x = rate(a);
      const y = rate(b);
      return x !== undefined && y !== undefined ? round(x / y, 3) : null;
    };
    // Paired by round: each gateway round over the minimal round next to it, so that a change in the
    // machine's other work between rounds cancels out; the median of those is the figure to quote.
    const pairedRatios = phases
      .filter((phase) => phase.variant === 'gateway')
      .flatMap((phase) => {
        const minimalRound = phases.find(
          (other) => other.variant === 'minimal' && other.round === phase.round,
        );
        return minimalRound ? [round(phase.perSecond / minimalRound.perSecond, 3)] : [];
      });
    const cpuOf = (variant: string) =>
      byVariant.find((entry) => entry.variant === variant)?.cpuMsPerRequestTotal;
    const cpuRatio = (a: string, b: string) => {
      const x = cpuOf(a);
      const y = cpuOf(b);
      return x !== undefined && y !== undefined ? round(y / x, 3) : null;
    };
    const ratios = {
      gatewayOverMinimal: ratio('gateway', 'minimal'),
      gatewayOverMinimalByRound: pairedRatios,
      // Requests per CPU second, gateway over minimal: what the throughput ratio would be if the chains
      // had the machine to themselves; steadier than throughput while other work takes a varying share.
      cpuGatewayOverMinimal: cpuRatio('gateway', 'minimal'),
      gatewayOverMinimalMedian: pairedRatios.length
        ? percentile(
            [...pairedRatios].sort((a, b) => a - b),
            50,
          )
        : null,
      gatewayOverFastify: ratio('gateway', 'fastify'),
      gatewayOverPg: ratio('gateway', 'pg'),
      pgOverFastify: ratio('pg', 'fastify'),
    };
    const loadAtEnd = loadAverage();
    process.stdout.write(
      `\nSummary (${host.cores} cores, Node ${host.node}, load average ${host.loadAverageAtStart[0]} at start, ${loadAtEnd[0]} at end):\n` +
        table([
          [
            'variant',
            'req/s (mean)',
            'min',
            'max',
            'p50 ms',
            'p99 ms',
            'errors',
            'other CPU %',
            'CPU ms/req',
            'by process',
          ],
          ...byVariant.map((entry) => [
            entry.variant,
            entry.perSecond,
            entry.min,
            entry.max,
            entry.p50Ms,
            entry.p99Ms,
            entry.errors,
            entry.otherCpuPercent,
            entry.cpuMsPerRequestTotal,
            Object.entries(entry.cpuMsPerRequest)
              .map(([name, value]) => `${name.replace(/#1$/, '')} ${value}`)
              .join(', '),
          ]),
        ]) +
        `\n\ngateway/minimal = ${ratios.gatewayOverMinimal} (by round ${pairedRatios.join(', ')}; median ${ratios.gatewayOverMinimalMedian}); by CPU per request ${ratios.cpuGatewayOverMinimal}; gateway/fastify = ${ratios.gatewayOverFastify}, gateway/pg = ${ratios.gatewayOverPg}, pg/fastify = ${ratios.pgOverFastify}\n`,
    );
    writeResults(args.results, {
      machine: host,
      loadAverageAtEnd: loadAtEnd,
      settings: {
        rounds: ROUNDS,
        durationS: DURATION_S,
        warmupS: WARMUP_S,
        connections: CONNECTIONS,
        loadTool: 'autocannon 9 (HTTP), closed loop on a pg pool of 10 (pg)',
        cpuProfiles: CPU_PROF_DIR ?? null,
        sql: USER_SQL,
      },
      summary: { variants: byVariant, ratios },
      phases,
    });
  } finally {
    await pool.end().catch(() => undefined);
    await stopChild(fastify?.child);
    await minimal?.stop();
    await bench.stop();
  }
}

runScript(main);
