/**
 * The cost of one gRPC hop: users.GetUser called over gRPC (this process as the client, the users
 * service of a running stack as the server, one pg SELECT by primary key behind it) against the work
 * behind it done in this process: the same SELECT, a pool of 10 on the same database. The benchmark
 * reaches the service only as its callers do; users-service's own code stays its own, so the use case
 * around the query (a check of the id's shape, the password hash left out of the answer: microseconds)
 * is not in the in-process figure.
 *
 *   npm run bench:grpc -- [--rounds 3] [--duration 8] [--warmup 1] [--concurrency 32] [--no-build]
 *
 * Two loads per variant, alternating variants round after round: one caller at a time (the latency of
 * one call on an otherwise idle path) and --concurrency callers (calls per second, latency under
 * load). CPU per call is summed over this process, the users service and the stack's Postgres
 * backends, so the hop's cost shows even where the cores, not the hop, cap the rate.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bearerMetadata } from '@shop/access-token';
import { usersV1 } from '@shop/contracts';
import { createPool } from '@shop/db';
import { call, createClient } from '@shop/grpc';
import { mtlsClientSecurity, readTlsDir } from '@shop/service-identity';
import { shopClient } from '@shop/shop-client';
import { serviceConnection, startBenchStack } from './kit/bench-stack';
import { closedLoop } from './kit/closed-loop';
import { cpuPercent, cpuSnapshot, stackProcessGroups } from './kit/cpu';
import { mean, round, summarize, table, writeResults } from './kit/figures';
import { describeMachine, loadAverage, machine } from './kit/machine';
import { positiveNumber, retrying, runScript } from './kit/script';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '32' },
    'no-build': { type: 'boolean', default: false },
  },
});
const ROUNDS = Math.round(positiveNumber('rounds', args.rounds));
const DURATION_MS = positiveNumber('duration', args.duration) * 1000;
const WARMUP_MS = Number(args.warmup) * 1000;
const CONCURRENCY = Math.round(positiveNumber('concurrency', args.concurrency));

const INVOLVED = ['load generator', 'users-service#1', 'postgres (stack backends)'];

/** What users-service's repository runs for GetUser (a user by primary key); the in-process baseline. */
const SELECT_USER = 'SELECT id, email, name, password_hash, created_at FROM users WHERE id = $1';

interface Phase {
  round: number;
  variant: 'grpc' | 'in-process';
  concurrency: number;
  callsPerSecond: number;
  errors: number;
  latencyMs: ReturnType<typeof summarize>;
  /** CPU ms per call: this process, the users service, Postgres, and their total. */
  cpuMsPerCall: Record<string, number>;
  loadAverage: number;
}

async function main(): Promise<void> {
  const host = machine();
  process.stdout.write(
    `gRPC hop: users.GetUser over gRPC vs in-process, ${ROUNDS} round(s), ${DURATION_MS / 1000} s per load, ` +
      `concurrency 1 and ${CONCURRENCY}\n${describeMachine(host)}\n\n`,
  );
  const bench = await startBenchStack({ label: 'grpchop', build: !args['no-build'] });
  const { stack } = bench;
  // The hop as the gateway makes it: mutual TLS with the gateway's identity, the user's token in metadata.
  const client = createClient(usersV1.UsersServiceClient, stack.addresses['users-service'], {
    deadlineMs: 5_000,
    ...mtlsClientSecurity(readTlsDir(join(stack.certsDir, 'gateway')), 'users-service'),
  });
  const pool = createPool(serviceConnection(stack, 'users-service'), {
    applicationName: 'bench-in-process',
    max: 10,
  });
  try {
    const user = await retrying('sign-up', () =>
      shopClient(stack.gatewayUrl).signUp(`hop-${Date.now()}@example.com`, 'Hop'),
    );
    const operations = {
      grpc: async () => {
        const { user: found } = await call(
          client.getUser.bind(client),
          { id: user.id },
          { metadata: bearerMetadata(user.token) },
        );
        if (found?.id !== user.id) throw new Error('wrong user');
      },
      'in-process': async () => {
        const { rows } = await pool.query<{ id: string }>(SELECT_USER, [user.id]);
        if (rows[0]?.id !== user.id) throw new Error('wrong user');
      },
    } as const;
    const groups = stackProcessGroups(stack);

    const phases: Phase[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      for (const concurrency of [1, CONCURRENCY]) {
        for (const variant of ['grpc', 'in-process'] as const) {
          if (WARMUP_MS > 0) await closedLoop(operations[variant], { concurrency, durationMs: WARMUP_MS });
          const before = cpuSnapshot(groups);
          const loop = await closedLoop(operations[variant], { concurrency, durationMs: DURATION_MS });
          const after = cpuSnapshot(groups);
          const cpu = cpuPercent(before, after);
          const calls = Math.max(1, loop.latenciesMs.length);
          const seconds = DURATION_MS / 1000;
          const cpuMsPerCall: Record<string, number> = {};
          let total = 0;
          for (const name of INVOLVED) {
            const ms = ((cpu[name] ?? 0) * 10 * seconds) / calls;
            cpuMsPerCall[name] = round(ms, 4);
            total += ms;
          }
          cpuMsPerCall['total'] = round(total, 4);
          const phase: Phase = {
            round: r,
            variant,
            concurrency,
            callsPerSecond: loop.perSecond,
            errors: loop.errors,
            latencyMs: summarize(loop.latenciesMs, 3),
            cpuMsPerCall,
            loadAverage: loadAverage()[0] ?? NaN,
          };
          phases.push(phase);
          process.stdout.write(
            `round ${r} c=${String(concurrency).padEnd(3)} ${variant.padEnd(10)} ${String(phase.callsPerSecond).padStart(8)} calls/s  ` +
              `p50 ${phase.latencyMs.p50} ms  p99 ${phase.latencyMs.p99} ms  CPU ${cpuMsPerCall['total']} ms/call  ` +
              `errors ${phase.errors}  load average ${phase.loadAverage}\n`,
          );
        }
      }
    }

    const summary = [1, CONCURRENCY].flatMap((concurrency) =>
      (['grpc', 'in-process'] as const).map((variant) => {
        const own = phases.filter((phase) => phase.variant === variant && phase.concurrency === concurrency);
        return {
          variant,
          concurrency,
          callsPerSecond: round(mean(own.map((phase) => phase.callsPerSecond))),
          p50Ms: round(mean(own.map((phase) => phase.latencyMs.p50)), 3),
          p99Ms: round(mean(own.map((phase) => phase.latencyMs.p99)), 3),
          errors: own.reduce((sum, phase) => sum + phase.errors, 0),
          cpuMsPerCall: Object.fromEntries(
            [...INVOLVED, 'total'].map((name) => [
              name,
              round(mean(own.map((phase) => phase.cpuMsPerCall[name] ?? 0)), 4),
            ]),
          ),
        };
      }),
    );
    const find = (variant: string, concurrency: number) =>
      summary.find((entry) => entry.variant === variant && entry.concurrency === concurrency)!;
    const hop = [1, CONCURRENCY].map((concurrency) => {
      const grpc = find('grpc', concurrency);
      const local = find('in-process', concurrency);
      return {
        concurrency,
        addedP50Ms: round(grpc.p50Ms - local.p50Ms, 3),
        addedP99Ms: round(grpc.p99Ms - local.p99Ms, 3),
        throughputRatio: round(grpc.callsPerSecond / local.callsPerSecond, 3),
        addedCpuMsPerCall: round(grpc.cpuMsPerCall['total']! - local.cpuMsPerCall['total']!, 4),
      };
    });
    const loadAtEnd = loadAverage();
    process.stdout.write(
      `\nSummary (${host.cores} cores, Node ${host.node}, load average ${host.loadAverageAtStart[0]} at start, ${loadAtEnd[0]} at end):\n` +
        table([
          [
            'variant',
            'callers',
            'calls/s',
            'p50 ms',
            'p99 ms',
            'errors',
            'CPU ms/call (this / users / pg / total)',
          ],
          ...summary.map((entry) => [
            entry.variant,
            entry.concurrency,
            entry.callsPerSecond,
            entry.p50Ms,
            entry.p99Ms,
            entry.errors,
            [...INVOLVED, 'total'].map((name) => entry.cpuMsPerCall[name]).join(' / '),
          ]),
        ]) +
        '\n\nthe hop (gRPC minus in-process):\n' +
        table([
          ['callers', '+p50 ms', '+p99 ms', 'calls/s ratio', '+CPU ms/call'],
          ...hop.map((entry) => [
            entry.concurrency,
            entry.addedP50Ms,
            entry.addedP99Ms,
            entry.throughputRatio,
            entry.addedCpuMsPerCall,
          ]),
        ]) +
        '\n',
    );
    writeResults('grpc-hop', {
      machine: host,
      loadAverageAtEnd: loadAtEnd,
      settings: {
        rounds: ROUNDS,
        durationS: DURATION_MS / 1000,
        warmupS: WARMUP_MS / 1000,
        concurrency: [1, CONCURRENCY],
        call: 'users.v1.UsersService/GetUser; in-process: the same SELECT by primary key, pool of 10',
      },
      summary: { variants: summary, hop },
      phases,
    });
  } finally {
    client.close();
    await pool.end().catch(() => undefined);
    await bench.stop();
  }
}

runScript(main);
