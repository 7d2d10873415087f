/**
 * The top self-time items of V8 CPU profiles (`node --cpu-prof`, as `npm run bench:gateway -- --cpu-prof
 * <dir>` writes them): by function and by package, in percent of the profile's samples, so that two
 * processes' profiles under the same load can be read side by side.
 *
 *   npx tsx --tsconfig tsconfig.base.json benchmarks/cpu-profile-top.ts <file.cpuprofile>... [--top 25]
 *       [--busiest 10] [--after 0]
 *
 * A profile covers the process's whole life, start-up included; `--busiest <s>` keeps only the
 * busiest window of that many seconds (the load), starting `--after` seconds at the
 * earliest (past the start-up), which the timeline printed first shows.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { round, table } from './kit/figures';
import { runScript } from './kit/script';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A sample: the node it hit, when (µs from the start) and the time it stands for (µs). */
interface Sample {
  id: number;
  at: number;
  micros: number;
}

const { values: args, positionals } = parseArgs({
  options: {
    top: { type: 'string', default: '25' },
    busiest: { type: 'string', default: '10' },
    after: { type: 'string', default: '0' },
  },
  allowPositionals: true,
});

/** Where a frame's code lives: a package, Node's own modules, the app's bundle, or V8 (GC, idle, ...). */
function packageOf(url: string, withFile = false): string {
  if (!url) return '(v8)';
  if (url.startsWith('node:')) return 'node:internal';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const file = url.slice(url.lastIndexOf('/') + 1);
    const [scope, name] = url.slice(modules + 'node_modules/'.length).split('/');
    return `${scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? url)}${withFile ? ` ${file}` : ''}`;
  }
  return url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '');
}

function samplesOf(profile: CpuProfile): Sample[] {
  const idle = new Set(
    profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id),
  );
  const samples: Sample[] = [];
  let at = 0;
  profile.samples.forEach((id, index) => {
    const micros = profile.timeDeltas[index] ?? 0;
    at += micros;
    if (!idle.has(id)) samples.push({ id, at, micros });
  });
  return samples;
}

/** Busy ms per second of the profile, and the start (s) of the busiest window of `seconds`. */
function timeline(
  samples: readonly Sample[],
  seconds: number,
  after: number,
): { perSecond: number[]; start: number } {
  const perSecond: number[] = [];
  for (const sample of samples) {
    const second = Math.floor(sample.at / 1e6);
    perSecond[second] = (perSecond[second] ?? 0) + sample.micros / 1000;
  }
  let start = 0;
  let best = -1;
  for (let from = after; from + seconds <= perSecond.length; from++) {
    const busy = perSecond.slice(from, from + seconds).reduce((sum, ms) => sum + (ms ?? 0), 0);
    if (busy > best) [best, start] = [busy, from];
  }
  return { perSecond: Array.from(perSecond, (ms) => round(ms ?? 0, 0)), start };
}

function top(
  profile: CpuProfile,
  samples: readonly Sample[],
  key: (node: ProfileNode) => string,
  count: number,
): (string | number)[][] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let total = 0;
  for (const { id, micros } of samples) {
    const node = byId.get(id);
    if (!node) continue;
    total += micros;
    const name = key(node);
    self.set(name, (self.get(name) ?? 0) + micros);
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, micros]) => [round((micros / total) * 100, 1), round(micros / 1000), name]);
}

function main(): Promise<void> {
  const count = Number(args.top);
  for (const file of positionals) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const all = samplesOf(profile);
    const seconds = Number(args.busiest);
    const { perSecond, start } = timeline(all, seconds, Number(args.after));
    const samples = all.filter((sample) => sample.at >= start * 1e6 && sample.at < (start + seconds) * 1e6);
    const frame = (node: ProfileNode) => {
      const { functionName, url, lineNumber } = node.callFrame;
      return `${functionName || '(anonymous)'} ${packageOf(url, true)}:${lineNumber + 1}`;
    };
    process.stdout.write(
      `${file}\nbusy ms per second: ${perSecond.join(' ')}\nwindow: ${start}-${start + seconds} s\n\n` +
        `by function (self, busy samples only)\n${table([['%', 'ms', 'function'], ...top(profile, samples, frame, count)])}\n\n` +
        `by package\n${table([['%', 'ms', 'package'], ...top(profile, samples, (node) => packageOf(node.callFrame.url), count)])}\n\n`,
    );
  }
  return Promise.resolve();
}

runScript(main);
