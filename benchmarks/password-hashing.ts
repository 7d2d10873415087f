/**
 * Password hashing: argon2id (what users-service now writes) against scrypt (what it wrote before),
 * memory and time, printed side by side.
 *
 *   npm run bench:passwords -- [--rounds 20] [--json <file>]
 *
 * Each scheme runs in a fresh Node process per concurrency, so one's heap and freed pages do not count
 * for the other. A process measures its resident set before hashing and its peak (getrusage maxrss)
 * after `--rounds` rounds of `c` hashes at once; the growth divided by `c` is the memory per hash in
 * flight. Node runs both on libuv's thread pool (UV_THREADPOOL_SIZE, 4 by default), so at most 4 hash
 * at once in a users-service process whatever the load. A single hash (rounds = 1) shows what a hash
 * needs; many rounds show what the process keeps: glibc's malloc keeps freed blocks in each pool
 * thread's arena, so hashes one after another on different threads can leave more resident than four
 * at once.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeMachine, machine } from './kit/machine';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '20' }, json: { type: 'string' } },
});
const ROUNDS = Number(args.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('--rounds must be a positive integer');

/** The settings users-service uses (libs/users-module/src/domain/passwords.ts, and before it). */
const SCHEMES = {
  argon2id: 'argon2id m=19456 KiB t=2 p=1 (OWASP)',
  scrypt: 'scrypt N=2^15 r=8 p=1 (before)',
} as const;
type Scheme = keyof typeof SCHEMES;

// Runs in the child: plain JavaScript, so that it needs nothing but Node.
const CHILD = `
const crypto = require('node:crypto');
const [scheme, concurrency, rounds] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const hash = (password) => new Promise((resolve, reject) => {
  const salt = crypto.randomBytes(16);
  const done = (error, key) => (error ? reject(error) : resolve(key));
  if (scheme === 'argon2id')
    crypto.argon2('argon2id', { message: password, nonce: salt, memory: 19456, passes: 2, parallelism: 1, tagLength: 32 }, done);
  else crypto.scrypt(password, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, done);
});
(async () => {
  // The thread pool starts its threads on first use; one tiny job starts them before the baseline.
  await new Promise((resolve) => crypto.pbkdf2('x', 'y', 1, 8, 'sha256', resolve));
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  const times = [];
  for (let round = 0; round < rounds; round += 1) {
    const started = process.hrtime.bigint();
    await Promise.all(Array.from({ length: concurrency }, (_, i) => hash('password ' + round + ' ' + i)));
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const peak = process.resourceUsage().maxRSS * 1024;
  times.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ baseline, peak, p50: times[Math.floor(times.length / 2)], max: times[times.length - 1] }));
})();
`;

interface Sample {
  baseline: number;
  peak: number;
  /** Milliseconds for a round of `concurrency` hashes at once. */
  p50: number;
  max: number;
}

function measure(scheme: Scheme, concurrency: number, rounds: number): Sample {
  const output = execFileSync(
    process.execPath,
    ['--expose-gc', '-e', CHILD, scheme, String(concurrency), String(rounds)],
    { encoding: 'utf8', env: { ...process.env, UV_THREADPOOL_SIZE: '4' } },
  );
  return JSON.parse(output) as Sample;
}

const MiB = 1024 * 1024;
const rows: Record<string, unknown>[] = [];
console.log(describeMachine(machine()));
console.log('');
console.log(
  [
    'scheme'.padEnd(36),
    'c'.padStart(2),
    'rounds'.padStart(6),
    'rss before'.padStart(11),
    'rss peak'.padStart(9),
    'growth'.padStart(8),
    'growth/c'.padStart(9),
    'round p50'.padStart(10),
    'max'.padStart(8),
  ].join(' '),
);
// One hash alone: what a hash needs. Then rounds of one and of four: what the process keeps.
const RUNS: [concurrency: number, rounds: number][] = [
  [1, 1],
  [1, ROUNDS],
  [4, ROUNDS],
];
for (const [concurrency, rounds] of RUNS) {
  for (const scheme of Object.keys(SCHEMES) as Scheme[]) {
    const sample = measure(scheme, concurrency, rounds);
    const growth = Math.max(0, sample.peak - sample.baseline);
    const row = {
      scheme,
      concurrency,
      rounds,
      rssBeforeMiB: sample.baseline / MiB,
      rssPeakMiB: sample.peak / MiB,
      growthMiB: growth / MiB,
      growthPerConcurrentHashMiB: growth / concurrency / MiB,
      roundP50Ms: sample.p50,
      roundMaxMs: sample.max,
    };
    rows.push(row);
    console.log(
      [
        SCHEMES[scheme].padEnd(36),
        String(concurrency).padStart(2),
        String(rounds).padStart(6),
        `${row.rssBeforeMiB.toFixed(1)} MiB`.padStart(11),
        `${row.rssPeakMiB.toFixed(1)} MiB`.padStart(9),
        `${row.growthMiB.toFixed(1)} MiB`.padStart(8),
        `${row.growthPerConcurrentHashMiB.toFixed(1)} MiB`.padStart(9),
        `${row.roundP50Ms.toFixed(0)} ms`.padStart(10),
        `${row.roundMaxMs.toFixed(0)} ms`.padStart(8),
      ].join(' '),
    );
  }
}
if (args.json) writeFileSync(args.json, `${JSON.stringify({ machine: machine(), rows }, null, 2)}\n`);
