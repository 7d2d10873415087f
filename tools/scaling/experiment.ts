/**
 * Scaling experiment: how the highest sustainable rate changes with the replicas of one app.
 *
 *   npm run scale:experiment -- --app payments-service --max 3 --scenario checkout --slo-p99 500
 *       [--slo-settle-p99 3000] [--step-from 4] [--step-by 4] [--step-to 100] [--step-duration 8s]
 *       [--users 20] [--card-latency 50] [--partitions-at-once 3] [--quiet-below 30]
 *       [--quiet-timeout 30] [--no-build]
 *       [--out tmp/scaling/<app>] [--png docs/img/scaling-<app>.png] [--render-only]
 *
 * For 1..max replicas of the app: a fresh stack (free ports, its own temporary databases, broker and
 * topic prefix; fast Kafka timings; the card network answering in --card-latency ms; each replica
 * handling --partitions-at-once partitions at a time), the load
 * generator's step mode (open model; the highest rate whose p99 from intended start stays under the
 * SLO with < 1% errors, and with --slo-settle-p99 whose orders also settle with a p99 under that and
 * none timed out), and the CPU of every process of the stack sampled from /proc twice a second.
 * The settle SLO is the one to judge an app off the POST's path, such as payments-service.
 * Writes results.json, results.md (the table) and chart.html (Chart.js inlined) to --out, and each
 * run's load-generator reports to --out/replicas-<n>/. With --png, headless Chromium (`chromium`, or
 * CHROMIUM_PATH) renders the chart to that file. --render-only makes the table and the chart again
 * from --out/results.json without measuring. The parts: options, run (one stack and its load),
 * cpu-by-step, table, chart, outputs.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeSlo } from '@shop/load-generator';
import {
  describeMachine,
  FAST_KAFKA_ENV,
  loadAverage,
  machine,
  retrying,
  runScript,
} from '../../benchmarks/bench-kit';
import { readOptions } from './options';
import { writeOutputs } from './outputs';
import type { Results, RunResult } from './results';
import { runWith, SAMPLE_EVERY_MS } from './run';

async function main(): Promise<void> {
  const options = readOptions();
  const { app, steps, outDir } = options;
  if (options.renderOnly) {
    writeOutputs(
      JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8')) as Results,
      outDir,
      options.png,
    );
    return;
  }
  const host = machine();
  process.stdout.write(
    `Scaling ${app} 1..${options.maxReplicas} replicas, scenario ${options.scenario}, SLO ${describeSlo(steps)}, ` +
      `steps ${steps.from}..${steps.to} by ${steps.by}/s, ${steps.durationMs / 1000} s each; ` +
      `card network ${options.cardLatencyMs} ms\n${describeMachine(host)}\n`,
  );
  mkdirSync(outDir, { recursive: true });
  const runs: RunResult[] = [];
  for (let replicas = 1; replicas <= options.maxReplicas; replicas++) {
    // A run that fails outright (a busy machine timing out the sign-ups before the load) is tried again.
    runs.push(await retrying(`${app} x${replicas}`, () => runWith(replicas, options)));
  }
  // The stacks' Kafka timings, as startBenchStack set them (their log level is no setting of the figures).
  const { LOG_LEVEL: _logLevel, ...kafkaTimings } = FAST_KAFKA_ENV;
  writeOutputs(
    {
      experiment: 'scaling',
      measuredAt: new Date().toISOString(),
      app,
      scenario: options.scenario,
      machine: host,
      loadAverageAtEnd: loadAverage(),
      settings: {
        steps,
        users: options.users,
        env: {
          CARD_NETWORK_LATENCY_MS: options.cardLatencyMs,
          KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: options.partitionsAtOnce,
          ...kafkaTimings,
        },
        cpuSampleEveryMs: SAMPLE_EVERY_MS,
        cpuUnit: 'percent of one core (100 = one core busy)',
      },
      runs,
    },
    outDir,
    options.png,
  );
}

runScript(main);
