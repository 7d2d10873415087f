/**
 * Resident memory per app: at idle after start, and during a mixed load; or, with --census, of every
 * process of the stack as `npm run stack` starts it (see memory-census.ts).
 *
 *   npm run bench:memory -- [--idle 10] [--rate 20] [--duration 20s] [--no-build]
 *   npm run bench:memory -- --census [--idle 20] [--rounds 2] [--command 'npm run stack --' ...]
 *                                    [--results memory-census]
 *
 * Starts a fresh stack (telemetry off), waits --idle seconds, reads VmRSS of every app process (and of
 * the broker and the mail catcher, for context) from /proc/<pid>/status, then runs the load
 * generator's mixed scenario (browse 70 / checkout 25 / signup 5) at --rate for --duration, reading
 * VmRSS twice a second while the load runs. Reports idle, mean and peak under load, and VmHWM (the
 * kernel's high-water mark of each process since it started).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { buildApps, WORKSPACE_ROOT } from '@shop/stack';
import { parseDuration, runLoadTest } from '@shop/load-generator';
import { takeCensus, type Census } from './memory-census';
import { startBenchStack } from './kit/bench-stack';
import { stackProcessGroups } from './kit/cpu';
import { mean, round, table, writeResults } from './kit/figures';
import { describeMachine, loadAverage, machine } from './kit/machine';
import { rssMiB } from './kit/proc';
import { positiveNumber, retrying, runScript } from './kit/script';

const { values: args } = parseArgs({
  options: {
    idle: { type: 'string', default: '10' },
    rate: { type: 'string', default: '20' },
    duration: { type: 'string', default: '20s' },
    'no-build': { type: 'boolean', default: false },
    census: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '1' },
    command: { type: 'string', multiple: true, default: ['npm run stack --'] },
    results: { type: 'string', default: 'memory-census' },
  },
});
const IDLE_MS = positiveNumber('idle', args.idle) * 1000;
const RATE = positiveNumber('rate', args.rate);
const DURATION_MS = parseDuration(args.duration, '--duration');

function highWaterMiB(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? round(Number(match[1]) / 1024, 1) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where an idle app's memory goes, before any of its own code: a bare Node process, the same with the
 * apps' telemetry preload (`--import telemetry.js`, which loads the OpenTelemetry SDK's modules even
 * when OTEL_SDK_DISABLED=true makes it start nothing), and with `--enable-source-maps` as well (as the
 * stack and the images start the apps).
 */
async function baselines(): Promise<{ name: string; rssMiB: number }[]> {
  const telemetry = join(WORKSPACE_ROOT, 'dist', 'apps', 'payments-service', 'telemetry.js');
  const variants: [string, string[]][] = [
    ['node (bare)', []],
    ['node --import telemetry.js (SDK disabled)', ['--import', telemetry]],
    ['node --enable-source-maps --import telemetry.js', ['--enable-source-maps', '--import', telemetry]],
  ];
  const results = [];
  for (const [name, nodeArgs] of variants) {
    const child = spawn(process.execPath, [...nodeArgs, '-e', 'setTimeout(() => {}, 10000)'], {
      env: { ...process.env, OTEL_SDK_DISABLED: 'true' },
      stdio: 'ignore',
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    results.push({ name, rssMiB: (child.pid && rssMiB(child.pid)) ?? NaN });
    child.kill('SIGKILL');
  }
  return results;
}

/**
 * Each command's stack in turn, round after round (so that drift in what else runs spreads over all),
 * then per process the mean over the rounds.
 */
async function census(): Promise<void> {
  const host = machine();
  const rounds = positiveNumber('rounds', args.rounds);
  process.stdout.write(
    `Memory census: the native stack idle ${IDLE_MS / 1000} s after start, tracing on, ${rounds} round(s)\n` +
      `${describeMachine(host)}\n\n`,
  );
  if (!args['no-build']) buildApps(process.stdout);
  const runs: Census[] = [];
  for (let n = 1; n <= rounds; n++) {
    for (const command of args.command) {
      // A stack that fails to start (the apps being rebuilt at that moment, say) is tried again.
      const result = await retrying(command, () => takeCensus(command, IDLE_MS));
      runs.push(result);
      process.stdout.write(
        `round ${n}, ${command}: ${result.totalMiB} MiB (load average ${loadAverage()[0]})\n`,
      );
    }
  }
  const names = [...new Set(runs.flatMap((run) => run.processes.map((entry) => entry.process)))];
  const cell = (command: string, name: string, field: 'rssMiB' | 'anonMiB' | 'fileMiB' | 'pssMiB') => {
    const values = runs
      .filter((run) => run.command === command)
      .flatMap((run) => run.processes.filter((entry) => entry.process === name).map((entry) => entry[field]));
    return values.length ? round(mean(values)) : '';
  };
  const totals = (command: string) =>
    round(mean(runs.filter((run) => run.command === command).map((run) => run.totalMiB)));
  process.stdout.write(
    `\nRSS MiB (anonymous / from files; PSS), mean of ${rounds} round(s):\n${table([
      ['process', ...args.command],
      ...names.map((name) => [
        name,
        ...args.command.map((command) =>
          cell(command, name, 'rssMiB') === ''
            ? ''
            : `${cell(command, name, 'rssMiB')} (${cell(command, name, 'anonMiB')} / ${cell(command, name, 'fileMiB')}; ${cell(command, name, 'pssMiB')})`,
        ),
      ]),
      ['total', ...args.command.map(totals)],
      [
        'total PSS',
        ...args.command.map((command) =>
          round(mean(runs.filter((run) => run.command === command).map((run) => run.totalPssMiB))),
        ),
      ],
    ])}\n`,
  );
  // The figure the memory target is about: the stack's processes, not the npm that waits for them.
  const withoutNpm = (command: string) =>
    round(
      mean(
        runs
          .filter((run) => run.command === command)
          .map((run) => run.processes.reduce((sum, p) => sum + (p.process === 'npm' ? 0 : p.rssMiB), 0)),
      ),
    );
  writeResults(args.results, {
    machine: host,
    settings: { idleS: IDLE_MS / 1000, rounds, commands: args.command, traces: 'on (the stack default)' },
    totals: args.command.map((command) => ({
      command,
      totalMiB: totals(command),
      totalWithoutNpmMiB: withoutNpm(command),
    })),
    runs,
  });
}

async function main(): Promise<void> {
  if (args.census) return census();
  const host = machine();
  process.stdout.write(
    `Memory: idle ${IDLE_MS / 1000} s, then mixed load at ${RATE}/s for ${DURATION_MS / 1000} s\n${describeMachine(host)}\n\n`,
  );
  const bench = await startBenchStack({ label: 'memory', build: !args['no-build'] });
  try {
    const groups = stackProcessGroups(bench.stack).resolve();
    const watched = new Map<string, number>();
    for (const [name, pids] of groups) {
      if (name.startsWith('postgres') || name === 'load generator') continue;
      const pid = pids[0];
      if (pid !== undefined) watched.set(name, pid);
    }
    watched.set('load generator (this process)', process.pid);

    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const idle = new Map([...watched].map(([name, pid]) => [name, rssMiB(pid) ?? NaN]));
    const idleLoad = loadAverage()[0] ?? NaN;

    const samples = new Map<string, number[]>([...watched.keys()].map((name) => [name, []]));
    let measuring = false;
    const sampler = setInterval(() => {
      if (!measuring) return;
      for (const [name, pid] of watched) {
        const rss = rssMiB(pid);
        if (rss !== undefined) samples.get(name)!.push(rss);
      }
    }, 500);
    // The load's first progress line comes one second into the measured phase (users are made before).
    const progress = new Writable({
      write(chunk: Buffer, _encoding, done) {
        const text = chunk.toString();
        if (/^\s*\d+s\s+target/m.test(text)) measuring = true;
        process.stdout.write(text.replace(/^/gm, '    '));
        done();
      },
    });
    const { report } = await retrying('the mixed load', () =>
      runLoadTest({
        target: bench.stack.gatewayUrl,
        scenario: 'mixed',
        rate: RATE,
        durationMs: DURATION_MS,
        outDir: join(WORKSPACE_ROOT, 'tmp', 'bench', 'memory-mixed'),
        progress,
      }),
    );
    measuring = false;
    clearInterval(sampler);
    const loadUnderLoad = loadAverage()[0] ?? NaN;

    const rows = [...watched].map(([name, pid]) => {
      const values = samples.get(name) ?? [];
      return {
        process: name,
        idleMiB: idle.get(name) ?? NaN,
        loadMeanMiB: round(mean(values)),
        loadPeakMiB: values.length ? Math.max(...values) : NaN,
        highWaterMiB: highWaterMiB(pid) ?? NaN,
      };
    });
    const apps = rows.filter((row) => /#\d+$/.test(row.process));
    const totals = {
      idleMiB: round(apps.reduce((sum, row) => sum + row.idleMiB, 0)),
      loadPeakMiB: round(apps.reduce((sum, row) => sum + row.loadPeakMiB, 0)),
    };
    const loadAtEnd = loadAverage();
    process.stdout.write(
      `\nmixed load: ${report.requests} arrivals, ${report.achievedRate}/s achieved, ${report.errors + report.dropped} errors, ` +
        `p99 ${report.latencyMs.p99} ms\n` +
        `Summary (${host.cores} cores, Node ${host.node}, telemetry off; load average ${idleLoad} at idle, ${loadUnderLoad} after the load):\n` +
        table([
          ['process', 'idle MiB', 'under load mean', 'under load peak', 'VmHWM'],
          ...rows.map((row) => [
            row.process,
            row.idleMiB,
            row.loadMeanMiB,
            row.loadPeakMiB,
            row.highWaterMiB,
          ]),
          ['apps total', totals.idleMiB, '', totals.loadPeakMiB, ''],
        ]) +
        '\n',
    );
    const base = await baselines();
    process.stdout.write(
      `\nbefore any app code (idle Node processes):\n${table([
        ['process', 'RSS MiB'],
        ...base.map((entry) => [entry.name, entry.rssMiB]),
      ])}\n`,
    );
    writeResults('memory', {
      machine: host,
      loadAverageAtIdle: idleLoad,
      loadAverageAfterLoad: loadUnderLoad,
      loadAverageAtEnd: loadAtEnd,
      settings: {
        idleS: IDLE_MS / 1000,
        scenario: 'mixed (browse 70, checkout 25, signup 5)',
        rate: RATE,
        durationS: DURATION_MS / 1000,
        telemetry: 'off (OTEL_SDK_DISABLED=true)',
      },
      load: {
        requests: report.requests,
        achievedRate: report.achievedRate,
        errors: report.errors + report.dropped,
        latencyMs: report.latencyMs,
      },
      processes: rows,
      appsTotal: totals,
      baselines: base,
    });
  } finally {
    await bench.stop();
  }
}

runScript(main);
