/**
 * What tracing costs the checkout: accepted orders per second with the OpenTelemetry SDK on (every span
 * sampled, batch export over OTLP/HTTP protobuf to a sink that discards it) and off
 * (`OTEL_SDK_DISABLED=true`), phases alternating on/off/on/off so drift hits both alike.
 *
 *   npm run bench:tracing -- [--rounds 3] [--duration 20] [--warmup 5] [--concurrency 32]
 *                            [--variants on,off] [--no-build] [--out benchmarks/results/tracing-overhead.json]
 *
 * Each phase starts a fresh stack (own databases, broker, mail catcher, fresh processes), signs up
 * the users and gets their tokens, runs a closed loop of `--concurrency` users placing orders
 * (POST /v1/orders, pm_card_visa) for the warm-up and then the measured duration, and stops the stack.
 *
 * A variant is `on`, `off`, `traces-only` (on without the metrics and logs exporters), `unsampled`
 * (on with the always_off sampler: instrumented, context propagated, no span recorded),
 * `no-tracer` (on with OTEL_TRACES_EXPORTER=none: instrumentations patched, no tracer provider),
 * or `only:http/grpc/...` (just those instrumentations, see telemetry-subset.mjs), each optionally
 * followed by `+NAME=VALUE` overrides: `on+OTEL_BSP_SCHEDULE_DELAY=1000`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { startStack, WORKSPACE_ROOT, type Stack } from '@shop/stack';
import { shopClient } from '../apps/shop-e2e/src/shop-client';

// ---------------------------------------------------------------------------------------------------
// Options

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '32' },
    variants: { type: 'string', default: 'on,off' },
    'no-build': { type: 'boolean', default: false },
    'quiet-below': { type: 'string', default: '25' },
    'quiet-timeout': { type: 'string', default: '120' },
    out: { type: 'string', default: join(WORKSPACE_ROOT, 'benchmarks', 'results', 'tracing-overhead.json') },
  },
});

const positive = (name: string, value: string): number => {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} takes a positive number`);
  return number;
};
const ROUNDS = Math.round(positive('rounds', args.rounds));
const DURATION_S = positive('duration', args.duration);
const WARMUP_S = Number(args.warmup);
const CONCURRENCY = Math.round(positive('concurrency', args.concurrency));
// Other work on the machine skews a phase: wait (up to a limit) until it is this idle before each one.
const QUIET_BELOW_PERCENT = Number(args['quiet-below']);
const QUIET_TIMEOUT_S = Number(args['quiet-timeout']);
const VARIANT_SPECS = args.variants
  .split(/[,;]+/)
  .map((spec) => spec.trim())
  .filter(Boolean);

// The same for every phase: the card network answers at once, logs stay quiet, the consumers react fast.
const COMMON_ENV: Record<string, string> = {
  CARD_NETWORK_LATENCY_MS: '0',
  CARD_NETWORK_JITTER_MS: '0',
  LOG_LEVEL: 'warn',
  KAFKA_FETCH_MAX_WAIT_MS: '100',
  KAFKA_SESSION_TIMEOUT_MS: '6000',
  KAFKA_HEARTBEAT_INTERVAL_MS: '500',
};

// ---------------------------------------------------------------------------------------------------
// Variants

interface Variant {
  spec: string;
  description: string;
  env: Record<string, string>;
}

function variantOf(spec: string, sinkUrl: string): Variant {
  const [base = '', ...overrides] = spec.split('+');
  const on = {
    OTEL_SDK_DISABLED: 'false',
    OTEL_TRACES_SAMPLER: 'always_on',
    OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
  };
  let variant: Omit<Variant, 'spec'>;
  if (base === 'off') {
    variant = { description: 'SDK disabled (OTEL_SDK_DISABLED=true)', env: { OTEL_SDK_DISABLED: 'true' } };
  } else if (base === 'on') {
    variant = {
      description:
        'SDK as deployed: all spans sampled, batch export, OTLP http/protobuf to the sink (metrics too)',
      env: on,
    };
  } else if (base === 'traces-only') {
    variant = {
      description: 'on, without the metrics and logs exporters',
      env: { ...on, OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' },
    };
  } else if (base === 'unsampled') {
    variant = {
      description: 'on, sampler always_off: instrumented and propagated, nothing recorded',
      env: { ...on, OTEL_TRACES_SAMPLER: 'always_off' },
    };
  } else if (base === 'no-tracer') {
    variant = {
      description: 'on, OTEL_TRACES_EXPORTER=none: instrumentations patched, no tracer provider',
      env: { ...on, OTEL_TRACES_EXPORTER: 'none' },
    };
  } else if (base.startsWith('only:')) {
    const names = base.slice('only:'.length).split('/').join(',');
    variant = {
      description: `on with only these instrumentations: ${names}`,
      env: {
        ...on,
        // Keeps the apps' own telemetry entry off; the preloaded subset starts its own SDK.
        OTEL_SDK_DISABLED: 'true',
        BENCH_OTEL_INSTRUMENTATIONS: names,
        NODE_OPTIONS: `--import=${join(WORKSPACE_ROOT, 'benchmarks', 'telemetry-subset.mjs')}`,
      },
    };
  } else {
    throw new Error(`unknown variant "${spec}": on, off, traces-only, unsampled, no-tracer, only:a/b/...`);
  }
  const env = { ...variant.env };
  for (const override of overrides) {
    const [name, ...value] = override.split('=');
    if (!name || value.length === 0) throw new Error(`variant "${spec}": "${override}" is not NAME=VALUE`);
    env[name] = value.join('=');
  }
  return {
    spec,
    description: overrides.length ? `${variant.description}; ${overrides.join(' ')}` : variant.description,
    env,
  };
}

// ---------------------------------------------------------------------------------------------------
// The OTLP sink, a child process

interface SinkCounters {
  requests: number;
  bytes: number;
}
type SinkStats = Record<'traces' | 'metrics' | 'logs' | 'other', SinkCounters>;

async function startSink(): Promise<{
  url: string;
  child: ChildProcess;
  stats(): Promise<SinkStats>;
  stop(): Promise<void>;
}> {
  const child = spawn(process.execPath, [join(WORKSPACE_ROOT, 'benchmarks', 'otlp-sink.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(Number(line.replace('listening ', ''))));
    child.once('exit', (code) => reject(new Error(`the OTLP sink exited with ${code} at start-up`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    child,
    stats: async () => (await (await fetch(`${url}/stats`)).json()) as SinkStats,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// CPU accounting from /proc: which process spent the machine's time during the measured window

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface ProcessSample {
  ppid: number;
  comm: string;
  /** Start time since boot: with the pid, names a process (kernel threads change their comm). */
  started: string;
  ticks: number;
}

function sampleProcesses(): Map<number, ProcessSample> {
  const samples = new Map<number, ProcessSample>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // After "pid (comm) ": state ppid ... utime (index 11) stime (12) ... starttime (19).
      samples.set(Number(entry), {
        ppid: Number(fields[1]),
        comm,
        started: fields[19] ?? '',
        ticks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // Gone meanwhile.
    }
  }
  return samples;
}

function machineTicks(): { busy: number; total: number } {
  const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((sum, value) => sum + (Number.isFinite(value) ? value : 0), 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return { busy: total - idle, total };
}

function readCommandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Names the processes that matter; everything else on the machine is `other`. */
function labeller(
  stack: Stack,
  sinkPid: number,
  databasePrefix: string,
): (pid: number, sample: ProcessSample, all: Map<number, ProcessSample>) => string {
  const apps = new Map(stack.processes.map((app) => [app.child.pid ?? -1, app.label.replace(/#1$/, '')]));
  const descendant = (pid: number, all: Map<number, ProcessSample>): boolean => {
    for (
      let current = all.get(pid)?.ppid, hops = 0;
      current && hops < 10;
      current = all.get(current)?.ppid, hops++
    )
      if (current === process.pid) return true;
    return false;
  };
  return (pid, sample, all) => {
    if (pid === process.pid) return 'load generator';
    if (pid === sinkPid) return 'otlp sink';
    const app = apps.get(pid);
    if (app) return app;
    if (sample.comm === 'postgres') {
      // Backends name their database in the process title; other stacks may share the server.
      const title = readCommandLine(pid);
      if (title.includes(databasePrefix)) return 'postgres';
      if (/^postgres: [^:]+: (checkpointer|background writer|walwriter|autovacuum|logical|stats)/.test(title))
        return 'postgres server';
      return title.startsWith('postgres: ') && !/^postgres: [^:]+: \S+ \S+ /.test(title)
        ? 'postgres server'
        : 'other';
    }
    if (descendant(pid, all)) {
      const commandLine = readCommandLine(pid);
      if (commandLine.includes('maildev')) return 'mail catcher';
      if (commandLine.includes('mock-broker') || commandLine.includes('kafka')) return 'kafka broker';
      return `child: ${sample.comm}`;
    }
    return 'other';
  };
}

/** The process groups that are the shop itself (not the load, the sink, or other work on the machine). */
const SHOP_GROUPS = (name: string): boolean =>
  !['other', 'load generator', 'otlp sink'].includes(name) && !name.startsWith('child: ');

function cpuByComponent(
  before: Map<number, ProcessSample>,
  after: Map<number, ProcessSample>,
  label: ReturnType<typeof labeller>,
): Record<string, number> {
  const seconds: Record<string, number> = {};
  for (const [pid, sample] of after) {
    const start = before.get(pid);
    // A process started within the window spent all its time in it.
    const ticks = start && start.started === sample.started ? sample.ticks - start.ticks : sample.ticks;
    if (ticks <= 0) continue;
    const name = label(pid, sample, after);
    seconds[name] = (seconds[name] ?? 0) + ticks / TICKS_PER_SECOND;
  }
  return seconds;
}

/** Waits until the machine has been mostly idle for 3 s; answers how long that took. */
async function waitForQuiet(): Promise<{ waitedS: number; busyPercent: number }> {
  const started = performance.now();
  for (;;) {
    const before = machineTicks();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const after = machineTicks();
    const busyPercent = ((after.busy - before.busy) / Math.max(1, after.total - before.total)) * 100;
    const waitedS = (performance.now() - started) / 1000;
    if (busyPercent < QUIET_BELOW_PERCENT || waitedS >= QUIET_TIMEOUT_S) {
      if (busyPercent >= QUIET_BELOW_PERCENT)
        process.stderr.write(
          `  note: the machine is still ${round(busyPercent)}% busy with other work after ${round(waitedS)} s; going on\n`,
        );
      return { waitedS: round(waitedS), busyPercent: round(busyPercent) };
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// The load: a closed loop of users placing orders

interface LoadResult {
  accepted: number;
  errors: Record<string, number>;
  latenciesMs: number[];
  clientCpuMs: number;
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
async function runLoad(
  gatewayUrl: string,
  tokens: readonly string[],
  onMeasureStart: () => void,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY, maxFreeSockets: CONCURRENCY });
  const url = new URL(gatewayUrl);
  const start = performance.now();
  const measureFrom = start + WARMUP_S * 1000;
  const measureTo = measureFrom + DURATION_S * 1000;
  const result: LoadResult = { accepted: 0, errors: {}, latenciesMs: [], clientCpuMs: 0 };
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  const measureTimer = setTimeout(() => {
    cpuAtStart = process.cpuUsage();
    onMeasureStart();
  }, WARMUP_S * 1000);

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
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => user(tokens[i % tokens.length] as string)));
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
async function prepareUsers(gatewayUrl: string, run: string): Promise<string[]> {
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
  for (let first = 0; first < CONCURRENCY; first += parallel) {
    const batch = Array.from({ length: Math.min(parallel, CONCURRENCY - first) }, one);
    tokens.push(...(await Promise.all(batch)));
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------------
// Figures

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const stdev = (values: readonly number[]) => {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - m) ** 2, 0) / (values.length - 1));
};
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function table(rows: (string | number)[][]): string {
  const cells = rows.map((row) => row.map(String));
  const widths = cells[0]!.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('  '),
    )
    .join('\n');
}

interface PhaseResult {
  round: number;
  variant: string;
  startedAt: string;
  stackStartS: number;
  /** How busy the machine was (other work) just before the stack started, and how long we waited for that. */
  idleCheck: { waitedS: number; busyPercent: number };
  throughput: number;
  accepted: number;
  errors: Record<string, number>;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** CPU seconds per second of the measured window, per process group (2.0 = both cores of 2). */
  cpuCores: Record<string, number>;
  /** CPU milliseconds per accepted order, per process group. */
  cpuMsPerOrder: Record<string, number>;
  machineBusyPercent: number;
  /**
   * Accepted orders per CPU second of the shop's own processes (apps, Postgres, broker, mail catcher):
   * throughput with the noise of other work on the machine taken out.
   */
  ordersPerShopCpuSecond: number;
  exportedPerSecond: Record<string, { requests: number; kib: number }>;
}

function phaseTable(phase: PhaseResult): string {
  const components = Object.keys(phase.cpuCores)
    .filter((name) => name !== 'other' || phase.cpuCores[name]! >= 0.01)
    .sort((a, b) => phase.cpuCores[b]! - phase.cpuCores[a]!);
  const errorText = Object.entries(phase.errors)
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
  const lines = [
    `round ${phase.round}, ${phase.variant}: ${round(phase.throughput)} orders/s accepted` +
      ` (${phase.accepted} in ${DURATION_S} s), p50 ${round(phase.latencyMs.p50)} ms, p99 ${round(phase.latencyMs.p99)} ms,` +
      ` errors ${errorText || 'none'}; machine busy ${round(phase.machineBusyPercent)}%,` +
      ` ${phase.ordersPerShopCpuSecond} orders per shop CPU second`,
    table([
      ['process', 'CPU cores', 'CPU ms/order'],
      ...components.map((name) => [
        name,
        round(phase.cpuCores[name]!, 2),
        round(phase.cpuMsPerOrder[name] ?? 0, 2),
      ]),
    ]).replace(/^/gm, '  '),
  ];
  const exported = Object.entries(phase.exportedPerSecond).filter(([, value]) => value.requests > 0);
  if (exported.length)
    lines.push(
      `  exported to the sink: ${exported.map(([signal, value]) => `${signal} ${value.requests} req/s, ${value.kib} KiB/s`).join('; ')}`,
    );
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Phases

async function runPhase(
  roundNumber: number,
  variant: Variant,
  index: number,
  run: string,
  sink: Awaited<ReturnType<typeof startSink>>,
): Promise<PhaseResult> {
  const quiet = await waitForQuiet();
  const databasePrefix = `bench_${run}_${index}_`;
  const startedAt = new Date();
  const stackStart = performance.now();
  const stack = await startStack({
    postgres: {
      host: process.env['PGHOST'] || '127.0.0.1',
      port: Number(process.env['PGPORT'] || 5432),
      user: process.env['PGUSER'] || 'postgres',
      password: process.env['PGPASSWORD'] || undefined,
      database: process.env['PGDATABASE'] || 'postgres',
    },
    ports: 'free',
    databasePrefix,
    temporaryDatabases: true,
    build: index === 0 && !args['no-build'],
    logDir: join(
      WORKSPACE_ROOT,
      'tmp',
      'bench',
      run,
      `${index}-${variant.spec.replace(/[^a-z0-9]+/gi, '_')}`,
    ),
    env: { ...COMMON_ENV, ...variant.env },
  });
  const stackStartS = (performance.now() - stackStart) / 1000;
  try {
    const tokens = await prepareUsers(stack.gatewayUrl, `${run}-${index}`);
    const label = labeller(stack, sink.child.pid ?? -1, databasePrefix);
    let before:
      | {
          processes: Map<number, ProcessSample>;
          machine: ReturnType<typeof machineTicks>;
          sink: Promise<SinkStats>;
        }
      | undefined;
    const load = await runLoad(stack.gatewayUrl, tokens, () => {
      before = { processes: sampleProcesses(), machine: machineTicks(), sink: sink.stats() };
    });
    const after = { processes: sampleProcesses(), machine: machineTicks(), sink: await sink.stats() };
    if (!before) throw new Error('the measured window never started');
    const sinkBefore = await before.sink;

    const cpuSeconds = cpuByComponent(before.processes, after.processes, label);
    // The load generator's own figure from process.cpuUsage is exact to the window.
    cpuSeconds['load generator'] = load.clientCpuMs / 1000;
    const cpuCores: Record<string, number> = {};
    const cpuMsPerOrder: Record<string, number> = {};
    for (const [name, seconds] of Object.entries(cpuSeconds)) {
      cpuCores[name] = round(seconds / DURATION_S, 3);
      cpuMsPerOrder[name] = round((seconds * 1000) / Math.max(1, load.accepted), 3);
    }
    const shopCpuSeconds = Object.entries(cpuSeconds)
      .filter(([name]) => SHOP_GROUPS(name))
      .reduce((sum, [, seconds]) => sum + seconds, 0);
    const machine = after.machine.total - before.machine.total;
    const exportedPerSecond: PhaseResult['exportedPerSecond'] = {};
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      exportedPerSecond[signal] = {
        requests: round((after.sink[signal].requests - sinkBefore[signal].requests) / DURATION_S, 1),
        kib: round((after.sink[signal].bytes - sinkBefore[signal].bytes) / 1024 / DURATION_S, 1),
      };
    }
    const sorted = [...load.latenciesMs].sort((a, b) => a - b);
    return {
      round: roundNumber,
      variant: variant.spec,
      startedAt: startedAt.toISOString(),
      stackStartS: round(stackStartS, 1),
      idleCheck: quiet,
      throughput: round(load.accepted / DURATION_S, 1),
      accepted: load.accepted,
      errors: load.errors,
      latencyMs: {
        p50: round(percentile(sorted, 50), 2),
        p90: round(percentile(sorted, 90), 2),
        p99: round(percentile(sorted, 99), 2),
        max: round(sorted.at(-1) ?? NaN, 2),
        mean: round(sorted.length ? mean(sorted) : NaN, 2),
      },
      cpuCores,
      cpuMsPerOrder,
      machineBusyPercent: round(
        machine > 0 ? ((after.machine.busy - before.machine.busy) / machine) * 100 : NaN,
        1,
      ),
      ordersPerShopCpuSecond: round(load.accepted / Math.max(0.001, shopCpuSeconds), 2),
      exportedPerSecond,
    };
  } finally {
    const exits = await stack.stop();
    const failed = exits.filter((exit) => exit.code !== 0);
    if (failed.length)
      process.stderr.write(
        `  note: unclean exits: ${failed.map((exit) => `${exit.label}=${exit.code}`).join(', ')}\n`,
      );
  }
}

async function main(): Promise<void> {
  // The phases decide about telemetry; nothing inherited from the shell may change it.
  for (const name of Object.keys(process.env)) if (name.startsWith('OTEL_')) delete process.env[name];

  const run = randomBytes(3).toString('hex');
  const sink = await startSink();
  const variants = VARIANT_SPECS.map((spec) => variantOf(spec, sink.url));
  const cpuList = cpus();
  const machine = {
    cores: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    kernel: release(),
    loadAverageAtStart: loadavg().map((value) => round(value, 2)),
  };
  process.stdout.write(
    `Tracing overhead on checkout: ${ROUNDS} round(s) of ${variants.map((v) => v.spec).join(' / ')}, ` +
      `${WARMUP_S} s warm-up + ${DURATION_S} s measured, ${CONCURRENCY} concurrent users\n` +
      `machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, Linux ${machine.kernel}\n` +
      variants.map((v) => `  ${v.spec}: ${v.description}`).join('\n') +
      '\n\n',
  );

  const out = args.out;
  mkdirSync(dirname(out), { recursive: true });
  const phases: PhaseResult[] = [];
  let attempts = 0;
  try {
    for (let r = 1; r <= ROUNDS; r++) {
      for (const variant of variants) {
        // A stack that fails to start (say, the apps being rebuilt under it) is tried again.
        for (let tries = 1; ; tries++) {
          try {
            const phase = await runPhase(r, variant, attempts++, run, sink);
            phases.push(phase);
            process.stdout.write(`${phaseTable(phase)}\n\n`);
            break;
          } catch (error) {
            if (tries >= 3) throw error;
            const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
            process.stderr.write(`  round ${r}, ${variant.spec} failed (${reason}); trying again\n`);
            await new Promise((resolve) => setTimeout(resolve, 15_000));
          }
        }
        // Partial figures survive an interrupted run.
        writeFileSync(
          out,
          `${JSON.stringify({ benchmark: 'tracing-overhead', complete: false, machine, phases }, null, 2)}\n`,
        );
      }
    }
  } finally {
    await sink.stop();
  }

  const byVariant = variants.map((variant) => {
    const own = phases.filter((phase) => phase.variant === variant.spec);
    const throughputs = own.map((phase) => phase.throughput);
    return {
      variant: variant.spec,
      description: variant.description,
      env: variant.env,
      phases: own.length,
      throughput: {
        mean: round(mean(throughputs)),
        stdev: round(stdev(throughputs)),
        min: Math.min(...throughputs),
        max: Math.max(...throughputs),
      },
      latencyMs: {
        p50: round(mean(own.map((phase) => phase.latencyMs.p50)), 2),
        p99: round(mean(own.map((phase) => phase.latencyMs.p99)), 2),
      },
      otherCpuCores: round(mean(own.map((phase) => phase.cpuCores['other'] ?? 0)), 2),
      ordersPerShopCpuSecond: round(mean(own.map((phase) => phase.ordersPerShopCpuSecond)), 2),
      errors: own.reduce((sum, phase) => sum + Object.values(phase.errors).reduce((a, b) => a + b, 0), 0),
      cpuMsPerOrder: Object.fromEntries(
        [...new Set(own.flatMap((phase) => Object.keys(phase.cpuMsPerOrder)))].map((name) => [
          name,
          round(mean(own.map((phase) => phase.cpuMsPerOrder[name] ?? 0)), 3),
        ]),
      ),
    };
  });
  const off = byVariant.find((entry) => entry.variant === 'off');
  const ratios = Object.fromEntries(
    byVariant
      .filter((entry) => off && entry !== off)
      .map((entry) => [entry.variant, round(entry.throughput.mean / off!.throughput.mean, 3)]),
  );
  const efficiencyRatios = Object.fromEntries(
    byVariant
      .filter((entry) => off && entry !== off)
      .map((entry) => [entry.variant, round(entry.ordersPerShopCpuSecond / off!.ordersPerShopCpuSecond, 3)]),
  );
  // Each variant against the `off` phase of the same round: drift between rounds cancels out.
  const median = (values: readonly number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  };
  const pairedRatios = Object.fromEntries(
    byVariant
      .filter((entry) => off && entry !== off)
      .map((entry) => {
        const perRound = phases
          .filter((phase) => phase.variant === entry.variant)
          .flatMap((phase) => {
            const baseline = phases.find((other) => other.variant === 'off' && other.round === phase.round);
            return baseline ? [phase.throughput / baseline.throughput] : [];
          });
        return [
          entry.variant,
          {
            perRound: perRound.map((ratio) => round(ratio, 3)),
            median: round(median(perRound), 3),
            geometricMean: round(Math.exp(mean(perRound.map(Math.log))), 3),
          },
        ];
      }),
  );
  const TARGET = 0.85;
  const onOff = ratios['on'];

  const summaryRows: (string | number)[][] = [
    [
      'variant',
      'orders/s mean',
      'stdev',
      'min',
      'max',
      'p50 ms',
      'p99 ms',
      'errors',
      'other CPU',
      'vs off',
      'orders/shop CPU s',
      'vs off',
    ],
    ...byVariant.map((entry) => [
      entry.variant,
      entry.throughput.mean,
      entry.throughput.stdev,
      entry.throughput.min,
      entry.throughput.max,
      entry.latencyMs.p50,
      entry.latencyMs.p99,
      entry.errors,
      entry.otherCpuCores,
      ratios[entry.variant] ?? (entry === off ? 1 : '-'),
      entry.ordersPerShopCpuSecond,
      efficiencyRatios[entry.variant] ?? (entry === off ? 1 : '-'),
    ]),
  ];
  const components = [...new Set(byVariant.flatMap((entry) => Object.keys(entry.cpuMsPerOrder)))].filter(
    (name) => name !== 'other',
  );
  const cpuRows: (string | number)[][] = [
    ['CPU ms/order', ...byVariant.map((entry) => entry.variant)],
    ...components.map((name) => [name, ...byVariant.map((entry) => entry.cpuMsPerOrder[name] ?? 0)]),
  ];
  process.stdout.write(
    `Summary (${machine.cores} cores, Node ${machine.node}):\n${table(summaryRows)}\n\n${table(cpuRows)}\n\n`,
  );
  if (onOff !== undefined)
    process.stdout.write(
      `throughput on/off = ${onOff} (target >= ${TARGET}: ${onOff >= TARGET ? 'met' : 'NOT met'}); ` +
        `orders per shop CPU second on/off = ${efficiencyRatios['on']}\n`,
    );
  for (const [variant, paired] of Object.entries(pairedRatios))
    process.stdout.write(
      `${variant} / off, round by round: ${paired.perRound.join(', ')} (median ${paired.median}, geometric mean ${paired.geometricMean})\n`,
    );

  writeFileSync(
    out,
    `${JSON.stringify(
      {
        benchmark: 'tracing-overhead',
        complete: true,
        measuredAt: new Date().toISOString(),
        machine,
        settings: {
          rounds: ROUNDS,
          warmupS: WARMUP_S,
          durationS: DURATION_S,
          concurrency: CONCURRENCY,
          request: 'POST /v1/orders, 1 item, pm_card_visa, one bearer token per user',
          commonEnv: COMMON_ENV,
        },
        summary: {
          target: TARGET,
          ratioOnOff: onOff ?? null,
          ratiosVsOff: ratios,
          pairedRatiosVsOff: pairedRatios,
          cpuEfficiencyRatioOnOff: efficiencyRatios['on'] ?? null,
          cpuEfficiencyRatiosVsOff: efficiencyRatios,
          variants: byVariant,
        },
        phases,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`figures written to ${relative(process.cwd(), out) || out}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
