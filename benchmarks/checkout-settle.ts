/**
 * Checkout settle latency at a fixed rate: from an order's intended start to the first poll that sees
 * it CONFIRMED or CANCELLED (the saga: outbox -> Kafka -> payments -> card network -> outbox -> Kafka
 * -> orders), with the load generator's checkout scenario against a fresh stack.
 *
 *   npm run bench:settle -- [--rate 20] [--duration 20s] [--fetch-wait 100,500] [--card-latency 50]
 *                           [--users 20] [--no-build]
 *
 * One fresh stack per --fetch-wait value (the consumers' KAFKA_FETCH_MAX_WAIT_MS: 100 ms is what the
 * other benchmarks use, 500 ms the apps' default), run one after the other.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { WORKSPACE_ROOT } from '@shop/stack';
import { parseDuration, runLoadTest } from '@shop/load-generator';
import { startBenchStack } from './kit/bench-stack';
import { table, writeResults } from './kit/figures';
import { describeMachine, loadAverage, machine } from './kit/machine';
import { parseList, positiveNumber, retrying, runScript } from './kit/script';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '20' },
    duration: { type: 'string', default: '20s' },
    'fetch-wait': { type: 'string', default: '100,500' },
    'card-latency': { type: 'string', default: '50' },
    users: { type: 'string', default: '20' },
    'no-build': { type: 'boolean', default: false },
  },
});
const RATE = positiveNumber('rate', args.rate);
const DURATION_MS = parseDuration(args.duration, '--duration');
const FETCH_WAITS = parseList(args['fetch-wait']).map((value) => positiveNumber('fetch-wait', value));
const CARD_LATENCY_MS = String(positiveNumber('card-latency', args['card-latency']));
const USERS = Math.round(positiveNumber('users', args.users));

/** Progress lines, indented under the benchmark's own. */
const indented = new Writable({
  write(chunk: Buffer, _encoding, done) {
    process.stdout.write(chunk.toString().replace(/^/gm, '    '));
    done();
  },
});

async function main(): Promise<void> {
  const host = machine();
  process.stdout.write(
    `Checkout settle latency: ${RATE}/s for ${DURATION_MS / 1000} s, card network ${CARD_LATENCY_MS} ms, ` +
      `fetch wait ${FETCH_WAITS.join(' / ')} ms\n${describeMachine(host)}\n\n`,
  );
  const runs = [];
  for (const [index, fetchWait] of FETCH_WAITS.entries()) {
    const run = await retrying(`fetch wait ${fetchWait} ms`, async () => {
      const bench = await startBenchStack({
        label: `settle_${fetchWait}`,
        env: { CARD_NETWORK_LATENCY_MS: CARD_LATENCY_MS, KAFKA_FETCH_MAX_WAIT_MS: String(fetchWait) },
        build: index === 0 && !args['no-build'],
      });
      try {
        process.stdout.write(`fetch wait ${fetchWait} ms:\n`);
        const { report } = await runLoadTest({
          target: bench.stack.gatewayUrl,
          scenario: 'checkout',
          rate: RATE,
          durationMs: DURATION_MS,
          users: USERS,
          outDir: join(WORKSPACE_ROOT, 'tmp', 'bench', `checkout-settle-${fetchWait}`),
          progress: indented,
        });
        return {
          fetchWaitMs: fetchWait,
          requests: report.requests,
          achievedRate: report.achievedRate,
          errors: report.errors + report.dropped,
          latencyMs: report.latencyMs,
          settleMs: report.settleMs,
          settle: report.settle,
          startLagMs: report.startLagMs,
          loadAverage: loadAverage()[0] ?? NaN,
        };
      } finally {
        await bench.stop();
      }
    });
    runs.push(run);
  }
  const loadAtEnd = loadAverage();
  process.stdout.write(
    `\nSummary (${host.cores} cores, Node ${host.node}, load average ${host.loadAverageAtStart[0]} at start, ${loadAtEnd[0]} at end):\n` +
      table([
        [
          'fetch wait',
          'orders',
          'errors',
          'POST p50 / p99 ms',
          'settle p50 ms',
          'p90',
          'p99',
          'max',
          'confirmed / cancelled / timed out',
          'load avg',
        ],
        ...runs.map((run) => [
          `${run.fetchWaitMs} ms`,
          run.requests,
          run.errors,
          `${run.latencyMs.p50} / ${run.latencyMs.p99}`,
          run.settleMs?.p50 ?? '-',
          run.settleMs?.p90 ?? '-',
          run.settleMs?.p99 ?? '-',
          run.settleMs?.max ?? '-',
          `${run.settle?.confirmed} / ${run.settle?.cancelled} / ${run.settle?.timedOut}`,
          run.loadAverage,
        ]),
      ]) +
      '\n',
  );
  writeResults('checkout-settle', {
    machine: host,
    loadAverageAtEnd: loadAtEnd,
    settings: {
      rate: RATE,
      durationS: DURATION_MS / 1000,
      cardNetworkLatencyMs: Number(CARD_LATENCY_MS),
      users: USERS,
      declineShare: 0.1,
    },
    runs,
  });
}

runScript(main);
