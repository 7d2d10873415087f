/**
 * The native stack as people start it (`npm run stack`, tracing on, as by default), idle after start:
 * the resident memory of every process it consists of, the launcher and npm included, split into what
 * the process wrote itself (anonymous: V8's heaps, malloc) and what it maps from files (the node
 * binary's code, shared libraries).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropDatabase } from '@shop/db';
import { SERVICES, WORKSPACE_ROOT, databaseName } from '@shop/stack';
import { adminConnection } from './kit/bench-stack';
import { round } from './kit/figures';
import { allPids, commandLine, readStat } from './kit/proc';

export interface ProcessMemory {
  process: string;
  rssMiB: number;
  /** RssAnon: the process's own pages (V8's heaps, malloc, thread stacks). */
  anonMiB: number;
  /** RssFile: pages mapped from files (the node binary, shared libraries), shared with other processes. */
  fileMiB: number;
  /**
   * Proportional set size (smaps_rollup): each page divided by the number of processes that map it, so
   * the node binary's code, counted whole in every process's RSS, is counted once over all of them.
   */
  pssMiB: number;
}

export interface Census {
  command: string;
  processes: ProcessMemory[];
  totalMiB: number;
  /** What the processes take together, shared pages counted once (see `pssMiB`). */
  totalPssMiB: number;
}

/** A `Name:   1234 kB` field of a /proc file, in MiB. */
function kbField(text: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? round(Number(match[1]) / 1024, 1) : NaN;
}

function memory(pid: number): Omit<ProcessMemory, 'process'> | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return {
      rssMiB: kbField(status, 'VmRSS'),
      anonMiB: kbField(status, 'RssAnon'),
      fileMiB: kbField(status, 'RssFile'),
      pssMiB: kbField(rollup, 'Pss'),
    };
  } catch {
    return undefined;
  }
}

/** Every process below `root`, by walking the parent links of all processes. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const stat = readStat(pid);
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift() as number;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

interface StatusFile {
  launcher: number;
  processes: { label: string; pid: number }[];
}

async function waitForStatus(file: string, exited: () => string | undefined): Promise<StatusFile> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const failure = exited();
    if (failure !== undefined) throw new Error(`the stack exited at start: ${failure}`);
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StatusFile;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the stack did not start within 3 minutes');
}

/**
 * Starts the stack with `command` (to which the census adds free ports, its own databases, topics, logs
 * and traces, `--no-build` and a status file), waits `idleMs` after it is ready, reads every process of
 * its tree, and stops it again.
 */
export async function takeCensus(command: string, idleMs: number): Promise<Census> {
  const run = `census_${randomBytes(3).toString('hex')}`;
  const dir = join(WORKSPACE_ROOT, 'tmp', 'bench', run);
  const statusFile = join(dir, 'status.json');
  const env = { ...process.env };
  // As the stack starts by default: its own trace receiver, whatever the calling shell says.
  for (const name of Object.keys(env)) if (name.startsWith('OTEL_')) delete env[name];
  const child = spawn(
    'sh',
    [
      '-c',
      `${command} --ports free --no-build --quiet --status-file ${statusFile} --database-prefix ${run}_ ` +
        `--topic-prefix ${run}. --log-dir ${join(dir, 'logs')} --traces-dir ${join(dir, 'traces')}`,
    ],
    { cwd: WORKSPACE_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4_000)));
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = `${signal ?? `exit code ${code}`}: ${stderr.trim()}`;
      resolve();
    }),
  );
  try {
    const status = await waitForStatus(statusFile, () => exit);
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    const labels = new Map<number, string>([
      [status.launcher, 'launcher'],
      ...status.processes.map(({ label, pid }): [number, string] => [pid, label]),
    ]);
    const processes: ProcessMemory[] = [];
    for (const pid of descendants(child.pid as number)) {
      const measured = memory(pid);
      // The shell that only waits for its command is not part of what people start.
      if (!measured || (pid === child.pid && readStat(pid)?.comm === 'sh')) continue;
      const label = labels.get(pid) ?? (commandLine(pid).split(' ')[0] || String(pid));
      processes.push({ process: label, ...measured });
    }
    return {
      command,
      processes,
      totalMiB: round(processes.reduce((sum, entry) => sum + entry.rssMiB, 0)),
      totalPssMiB: round(processes.reduce((sum, entry) => sum + entry.pssMiB, 0)),
    };
  } finally {
    if (exit === undefined) {
      const status = existsSync(statusFile)
        ? (JSON.parse(readFileSync(statusFile, 'utf8')) as StatusFile)
        : undefined;
      // The launcher stops everything in order; the process group is the fallback.
      if (status) process.kill(status.launcher, 'SIGTERM');
      else process.kill(-(child.pid as number), 'SIGTERM');
      const escalation = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 30_000);
      await exited;
      clearTimeout(escalation);
    }
    for (const service of SERVICES)
      await dropDatabase(adminConnection(), databaseName(service, `${run}_`)).catch(() => undefined);
  }
}
