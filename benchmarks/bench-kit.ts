/**
 * What the benchmarks (and tools/scaling) share: the machine they ran on, a fresh stack with fast
 * Kafka timings, CPU and memory of processes read from /proc, percentiles, a printed table, and the
 * JSON file each one writes to benchmarks/results/<name>.json.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { PostgresConnection } from '@shop/db';
import { allTopics } from '@shop/kafka';
import { startMockBroker, type MockBroker } from '@shop/kafka-mock-broker';
import { startStack, WORKSPACE_ROOT, type AppName, type Stack } from '@shop/stack';

export { WORKSPACE_ROOT };

// ---------------------------------------------------------------------------------------------------
// The machine

export const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** The 1-, 5- and 15-minute load averages: how much else wanted the CPUs while a figure was taken. */
export const loadAverage = (): number[] => loadavg().map((value) => round(value, 2));

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  kernel: string;
  loadAverageAtStart: number[];
}

export function machine(): Machine {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    kernel: release(),
    loadAverageAtStart: loadAverage(),
  };
}

export const describeMachine = (m: Machine): string =>
  `machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, Linux ${m.kernel}; ` +
  `load average ${m.loadAverageAtStart.join(' / ')}`;

// ---------------------------------------------------------------------------------------------------
// The shop

/** The admin connection to the Postgres server, from the standard PG* variables. */
export function adminConnection(): PostgresConnection {
  return {
    host: process.env['PGHOST'] || '127.0.0.1',
    port: Number(process.env['PGPORT'] || 5432),
    user: process.env['PGUSER'] || 'postgres',
    password: process.env['PGPASSWORD'] || undefined,
    database: process.env['PGDATABASE'] || 'postgres',
  };
}

/** Consumers that rebalance in seconds and fetch without long empty waits; quiet logs. */
export const FAST_KAFKA_ENV: Record<string, string> = {
  KAFKA_SESSION_TIMEOUT_MS: '6000',
  KAFKA_HEARTBEAT_INTERVAL_MS: '500',
  KAFKA_FETCH_MAX_WAIT_MS: '100',
  LOG_LEVEL: 'warn',
};

export interface BenchStackOptions {
  /** Unique per run: databases `<label>_<random>_users`, ..., topics `<label>-<random>.orders.v1.events`, ... */
  label: string;
  scale?: Partial<Record<AppName, number>>;
  env?: Record<string, string>;
  build?: boolean;
}

export interface BenchStack {
  stack: Stack;
  /** The Kafka-protocol broker this run started for the stack (the stack only uses it). */
  broker: MockBroker;
  topicPrefix: string;
  stop(): Promise<void>;
}

/**
 * A fresh stack on free ports: its own temporary databases, mail catcher and broker, a topic prefix of
 * its own, telemetry off. The broker is started here with the shop's topics under that prefix, at
 * their real partition counts (a prefixed topic the broker auto-created would get 4 partitions, not
 * 12, and consumer replicas would share fewer of them than in the real shop).
 */
export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  // Telemetry is decided here, not by whatever the calling shell has set.
  for (const name of Object.keys(process.env)) if (name.startsWith('OTEL_')) delete process.env[name];
  const run = `${options.label}_${randomBytes(3).toString('hex')}`;
  const topicPrefix = `${run.replaceAll('_', '-')}.`;
  const broker = await startMockBroker({ topics: allTopics(topicPrefix) });
  try {
    const stack = await startStack({
      postgres: adminConnection(),
      kafkaBrokers: broker.bootstrapServers,
      ports: 'free',
      scale: options.scale ?? {},
      databasePrefix: `${run}_`,
      topicPrefix,
      temporaryDatabases: true,
      build: options.build ?? true,
      logDir: join(WORKSPACE_ROOT, 'tmp', 'bench', run),
      env: { ...FAST_KAFKA_ENV, OTEL_SDK_DISABLED: 'true', ...options.env },
    });
    return {
      stack,
      broker,
      topicPrefix,
      async stop() {
        await stopQuietly(stack);
        await broker.stop();
      },
    };
  } catch (error) {
    await broker.stop();
    throw error;
  }
}

/** The connection an app of the stack uses for its own database (role and password = database name). */
export function serviceConnection(stack: Stack, service: keyof Stack['databases']): PostgresConnection {
  const admin = adminConnection();
  const database = stack.databases[service];
  return { host: admin.host, port: admin.port, user: database, password: database, database };
}

async function stopQuietly(stack: Stack): Promise<void> {
  const exits = await stack.stop();
  const failed = exits.filter((exit) => exit.code !== 0);
  if (failed.length)
    process.stderr.write(
      `  note: unclean exits: ${failed.map((exit) => `${exit.label}=${exit.code}`).join(', ')}\n`,
    );
}

// ---------------------------------------------------------------------------------------------------
// /proc

export const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, in ticks. */
  ticks: number;
}

export function readStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    // After "pid (comm) ": state ppid ... utime (index 11) stime (12).
    return {
      pid,
      ppid: Number(fields[1]),
      comm: stat.slice(stat.indexOf('(') + 1, close),
      ticks: Number(fields[11]) + Number(fields[12]),
    };
  } catch {
    return undefined;
  }
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

export function allPids(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

/** Resident memory (VmRSS) in MiB; undefined once the process is gone. */
export function rssMiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? round(Number(match[1]) / 1024, 1) : undefined;
  } catch {
    return undefined;
  }
}

/** Whole-machine CPU ticks: busy and total (all cores). */
export function machineTicks(): { busy: number; total: number } {
  const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((sum, value) => sum + (Number.isFinite(value) ? value : 0), 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * Waits until the whole machine has been less than `belowPercent` busy (all cores) over 3 s, or
 * `timeoutS` has passed; answers how long that took and how busy it was last.
 */
export async function waitForQuiet(
  belowPercent: number,
  timeoutS: number,
): Promise<{ waitedS: number; busyPercent: number }> {
  const started = performance.now();
  for (;;) {
    const before = machineTicks();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const after = machineTicks();
    const busyPercent = round(((after.busy - before.busy) / Math.max(1, after.total - before.total)) * 100);
    const waitedS = round((performance.now() - started) / 1000);
    if (busyPercent < belowPercent || waitedS >= timeoutS) return { waitedS, busyPercent };
  }
}

/**
 * The processes of one stack, by name: each app replica (`payments-service#2`), the broker (found in
 * /proc as a child of this process running the `kafka-mock-broker` binary), the mail catcher, this
 * process (`load generator`), and the Postgres backends serving the stack's databases (summed as
 * `postgres (stack backends)`). `postgres (server, other)` is the rest of the server's processes
 * (checkpointer, WAL writer, other clients' backends): the server is shared with other work.
 */
export interface ProcessGroups {
  /** Name -> pids, re-read on every snapshot for the Postgres backends (connections come and go). */
  resolve(): Map<string, number[]>;
}

export function stackProcessGroups(stack: Stack): ProcessGroups {
  const databases = Object.values(stack.databases);
  const apps = stack.processes.map((app) => ({ label: app.label, pid: app.child.pid ?? -1 }));
  return {
    resolve() {
      const groups = new Map<string, number[]>();
      const add = (name: string, pid: number) => groups.set(name, [...(groups.get(name) ?? []), pid]);
      for (const app of apps) add(app.label, app.pid);
      add('load generator', process.pid);
      for (const pid of allPids()) {
        const stat = readStat(pid);
        if (!stat) continue;
        if (stat.ppid === process.pid && pid !== process.pid) {
          const line = commandLine(pid);
          if (line.split(' ')[0]?.endsWith('kafka-mock-broker')) add('kafka broker', pid);
          else if (line.includes('maildev')) add('mail catcher', pid);
        } else if (stat.comm === 'postgres') {
          // Backends show "postgres: 15/main: <role> <database> 127.0.0.1(port) idle".
          const line = commandLine(pid);
          const ours = databases.some((database) => line.includes(` ${database} `));
          add(ours ? 'postgres (stack backends)' : 'postgres (server, other)', pid);
        }
      }
      return groups;
    },
  };
}

export interface CpuSnapshot {
  at: number;
  ticks: Map<number, { comm: string; ticks: number }>;
  machine: { busy: number; total: number };
  groups: Map<string, number[]>;
}

export function cpuSnapshot(groups: ProcessGroups): CpuSnapshot {
  const resolved = groups.resolve();
  const ticks = new Map<number, { comm: string; ticks: number }>();
  for (const pids of resolved.values())
    for (const pid of pids) {
      const stat = readStat(pid);
      if (stat) ticks.set(pid, { comm: stat.comm, ticks: stat.ticks });
    }
  return { at: performance.now(), ticks, machine: machineTicks(), groups: resolved };
}

/**
 * CPU per group between two snapshots, in percent of one core (200% = both cores of a 2-core machine),
 * plus `machine busy` (all cores, same unit) and `other` (busy time no group accounts for).
 */
export function cpuPercent(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const seconds = (after.at - before.at) / 1000;
  const result: Record<string, number> = {};
  let accounted = 0;
  for (const [name, pids] of after.groups) {
    let ticks = 0;
    for (const pid of pids) {
      const end = after.ticks.get(pid);
      if (!end) continue;
      const start = before.ticks.get(pid);
      // A process that started during the window counts from zero; a reused pid is a new process.
      ticks += start && start.comm === end.comm ? Math.max(0, end.ticks - start.ticks) : end.ticks;
    }
    accounted += ticks;
    result[name] = round((ticks / TICKS_PER_SECOND / seconds) * 100, 1);
  }
  const cores = cpus().length;
  const machineBusy = after.machine.busy - before.machine.busy;
  const machineTotal = Math.max(1, after.machine.total - before.machine.total);
  // /proc/stat counts every core: busy share times the core count is "percent of one core".
  result['machine busy'] = round((machineBusy / machineTotal) * cores * 100, 1);
  result['other'] = round(
    Math.max(0, result['machine busy'] - (accounted / TICKS_PER_SECOND / seconds) * 100),
    1,
  );
  return result;
}

/** The busiest single process of the shop (not the load generator, not the machine's other work). */
export function busiest(cpu: Record<string, number>): { name: string; cpuPercent: number } {
  const candidates = Object.entries(cpu).filter(
    ([name]) => !['machine busy', 'other', 'load generator', 'postgres (server, other)'].includes(name),
  );
  const [name, value] = candidates.sort((a, b) => b[1] - a[1])[0] ?? ['none', 0];
  return { name, cpuPercent: value };
}

// ---------------------------------------------------------------------------------------------------
// Figures

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const mean = (values: readonly number[]): number =>
  values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : NaN;

export function summarize(values: readonly number[], digits = 2) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50), digits),
    p90: round(percentile(sorted, 90), digits),
    p99: round(percentile(sorted, 99), digits),
    max: round(sorted.at(-1) ?? NaN, digits),
    mean: round(mean(sorted), digits),
  };
}

/** A plain-text table: first column left-aligned, the others right-aligned. */
export function table(rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((row) => row.map(String));
  const widths = (cells[0] ?? []).map((_, column) =>
    Math.max(...cells.map((row) => (row[column] ?? '').length)),
  );
  return cells
    .map((row) =>
      row
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
        )
        .join('  '),
    )
    .join('\n');
}

/** Writes benchmarks/results/<name>.json and says where. */
export function writeResults(name: string, data: Record<string, unknown>): string {
  const file = join(WORKSPACE_ROOT, 'benchmarks', 'results', `${name}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify({ benchmark: name, measuredAt: new Date().toISOString(), ...data }, null, 2)}\n`,
  );
  process.stdout.write(`figures written to ${relative(process.cwd(), file) || file}\n`);
  return file;
}

/**
 * A closed loop: `concurrency` workers call `operation` back to back for `durationMs` (after
 * `warmupMs`, not counted). Answers completions per second and per-call latencies in ms.
 */
export async function closedLoop(
  operation: () => Promise<unknown>,
  options: { concurrency: number; durationMs: number; warmupMs?: number },
): Promise<{ perSecond: number; latenciesMs: number[]; errors: number; cpuMs: number }> {
  const warmupEnd = performance.now() + (options.warmupMs ?? 0);
  while (performance.now() < warmupEnd) {
    await Promise.all(Array.from({ length: options.concurrency }, () => operation().catch(() => undefined)));
  }
  const latenciesMs: number[] = [];
  let errors = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const end = start + options.durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      const sent = performance.now();
      try {
        await operation();
        latenciesMs.push(performance.now() - sent);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const elapsedS = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return {
    perSecond: round(latenciesMs.length / elapsedS, 1),
    latenciesMs,
    errors,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

export const parseList = (text: string): string[] =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

export function positiveNumber(name: string, value: string | undefined): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} takes a positive number`);
  return number;
}

/**
 * Runs `attempt` up to `tries` times: a busy machine can time out the sign-ups that prepare a load
 * (scrypt on a starved CPU outlasts the gateway's deadline) before anything is measured.
 */
export async function retrying<T>(label: string, attempt: () => Promise<T>, tries = 3): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= tries) throw error;
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      process.stderr.write(`  ${label} failed (${reason}); trying again in 10 s\n`);
      await new Promise((resolve) => setTimeout(resolve, 10_000));
    }
  }
}

/** Runs main, exits 0 or prints the error and exits 1 (stray handles must not keep a benchmark alive). */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
