/**
 * Runs the real launcher CLI (`npm run stack`'s command) as a child process in a process group of its own,
 * finds the processes it started, and stops it the two ways the specs check (SIGTERM, SIGKILL): for
 * stack-lifecycle.spec.ts and monolith-launcher.spec.ts.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually, fastKafkaEnv } from '@shop/testing';
import { runTracesCli } from '@shop/trace-store';
import { WORKSPACE_ROOT } from '../src/start-stack';

/** Bundled by buildLauncher(), as `npm run stack` does before it runs it. */
const CLI = join(WORKSPACE_ROOT, 'dist', 'libs', 'stack', 'cli.js');

/** Bundles the launcher from its sources (see scripts/build-cli.mjs), so the tests run this code. */
export function buildLauncher(): void {
  execFileSync(process.execPath, [join(WORKSPACE_ROOT, 'libs', 'stack', 'scripts', 'build-cli.mjs')], {
    stdio: 'inherit',
  });
}

/** What the launcher writes to `--status-file` (see cli.ts). */
export interface Status {
  launcher: number;
  architecture: 'microservices' | 'monolith';
  gatewayUrl: string;
  /** The microservices' only (as are `certsDir`), the monolith's `database`. */
  addresses: Record<string, string>;
  /** The apps' workload certificates, a directory per workload (the launcher's own among them). */
  certsDir: string;
  database: string;
  processes: { label: string; pid: number }[];
  traces: { endpoint: string; dir: string | null } | null;
  replicas: { label: string; port: number; pid: number | null; state: string; crashes: number }[];
}

export interface Launched {
  child: ChildProcess;
  pid: number;
  /** Every process started with this launch's marker in its environment: the launcher and what it started. */
  marker: string;
  statusFile: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The variable every process of one launch inherits, so the test finds them all, known or not. */
const MARKER = 'STACK_LIFECYCLE_SPEC_RUN';

export function launch(args: readonly string[], dir: string): Launched {
  const marker = randomBytes(4).toString('hex');
  const statusFile = join(dir, `status-${marker}.json`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...fastKafkaEnv,
    [MARKER]: marker,
    // A stop that hangs is cut off sooner than the default 15 s.
    SHUTDOWN_GRACE_MS: '3000',
    // Spans reach the stack's trace folder within a second rather than the SDK's default five.
    OTEL_BSP_SCHEDULE_DELAY: '500',
  };
  delete env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  // Its own broker and mail catcher, which is the point: they must not outlive it either.
  delete env['KAFKA_BROKERS'];
  delete env['SMTP_URL'];
  delete env['LIFELINE_FD'];
  const child = spawn(
    process.execPath,
    [
      ...[CLI, '--quiet', '--status-file', statusFile],
      ...['--log-dir', join(dir, 'logs'), '--traces-dir', join(dir, `traces-${marker}`), ...args],
    ],
    { cwd: WORKSPACE_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, pid: child.pid as number, marker, statusFile, output: () => output, exited };
}

/**
 * The launches of one spec file, each with `args` first and into `dir`; `killAll()` (for `afterAll`) kills
 * every process of every launch, whatever a failed test left behind.
 */
export function launches(dir: string, args: readonly string[]) {
  const launched: Launched[] = [];
  return {
    start: (...more: string[]): Launched => {
      const one = launch([...args, ...more], dir);
      launched.push(one);
      return one;
    },
    killAll: (): void => {
      for (const pid of launched.flatMap((one) => [one.pid, ...processesOf(one.marker)])) {
        if (isRunning(pid)) process.kill(pid, 'SIGKILL');
      }
    },
  };
}

export function readStatus(launched: Launched): Status {
  return JSON.parse(readFileSync(launched.statusFile, 'utf8')) as Status;
}

/** The launcher's status once the shop is ready; fails at once if the launcher exits first. */
export async function whenReady(launched: Launched, timeoutMs: number): Promise<Status> {
  let exit: { code: number | null } | undefined;
  void launched.exited.then((value) => (exit = value));
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(launched.statusFile)) {
    if (exit)
      throw new Error(`the launcher exited (${exit.code}) before it was ready:\n${launched.output()}`);
    if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms:\n${launched.output()}`);
    await sleep(200);
  }
  return readStatus(launched);
}

/** A process that exists and is not a zombie (a zombie has ended; only its exit status is left). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Every running process whose environment carries the launch's marker. */
export function processesOf(marker: string): number[] {
  const needle = `\0${MARKER}=${marker}\0`;
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`.includes(needle) && isRunning(pid);
      } catch {
        return false;
      }
    });
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 160);
  } catch {
    return '(gone)';
  }
}

/** `pid command line` of each, sorted: what a failed comparison shows. */
export function describeProcesses(pids: readonly number[]): string[] {
  return [...pids].sort((a, b) => a - b).map((pid) => `${pid} ${commandLine(pid)}`);
}

/** Resolves with how long it took until none of `pids` runs, or rejects with those still running. */
export async function allGone(pids: readonly number[], timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const running = pids.filter(isRunning);
    if (running.length === 0) return Date.now() - started;
    if (Date.now() - started > timeoutMs)
      throw new Error(`still running after ${timeoutMs} ms:\n${describeProcesses(running).join('\n')}`);
    await sleep(100);
  }
}

/**
 * Kills the replica `label` outright and waits until the launcher has restarted it on its port; resolves
 * with the new process's pid. What the launcher printed about it is the caller's to check.
 */
export async function killAndAwaitRestart(launched: Launched, label: string): Promise<number> {
  const killed = readStatus(launched).replicas.find((replica) => replica.label === label);
  if (!killed?.pid) throw new Error(`no running replica ${label}`);
  process.kill(killed.pid, 'SIGKILL');
  return eventually(() => {
    const replica = readStatus(launched).replicas.find((each) => each.label === label);
    expect(replica).toMatchObject({ crashes: 1, state: 'running', port: killed.port });
    expect(replica?.pid).not.toBe(killed.pid);
    return replica?.pid as number;
  }, 30_000);
}

/**
 * SIGTERM to the launcher's process group, as a terminal's Ctrl-C sends it: the launcher exits 0, having
 * stopped cleanly everything it started (`pids`, and anything else of the launch).
 */
export async function stopWithSigterm(launched: Launched, pids: readonly number[]): Promise<void> {
  process.kill(-launched.pid, 'SIGTERM');
  expect(await launched.exited).toEqual({ code: 0, signal: null });
  await allGone(pids, 10_000);
  await allGone(processesOf(launched.marker), 5_000);
  expect(launched.output()).not.toMatch(/did not stop cleanly/);
}

/**
 * SIGKILL to the launcher alone: what it started (`pids`, and anything else of the launch) ends anyway,
 * each app gracefully once its lifeline closes.
 */
export async function killLauncher(launched: Launched, pids: readonly number[]): Promise<void> {
  process.kill(launched.pid, 'SIGKILL');
  await allGone(pids, 10_000);
  await allGone(processesOf(launched.marker), 5_000);
}

/** What `npm run traces -- ...args` prints over the stack's trace folder (it must succeed). */
export async function printedTraces(traceDir: string, ...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };
  expect(await runTracesCli(args, traceDir, io)).toBe(0);
  return lines;
}
