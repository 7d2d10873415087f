/**
 * What tracing costs the checkout: completed checkouts per second with the OpenTelemetry SDK on (every
 * span sampled, batch export over OTLP/HTTP protobuf to a sink that discards it) and off
 * (`OTEL_SDK_DISABLED=true`), phases alternating on/off/on/off so drift hits both alike.
 *
 *   npm run bench:tracing -- [--rounds 3] [--duration 20] [--warmup 5] [--concurrency 96]
 *                            [--variants on,off] [--no-build] [--out benchmarks/results/tracing-overhead.json]
 *
 * Each phase starts a fresh stack (own databases, broker, fresh processes; the email service sends to
 * the benchmark), signs up the customers, runs a closed loop of `--concurrency` customers checking out
 * (POST /v1/orders with pm_card_visa, then waiting for the order's confirmation mail: the saga's last
 * hop) for the warm-up and then the measured duration, and stops the stack.
 * The variants are described in tracing-overhead/variants.ts; the parts: options, variants,
 * otlp-sink-process, cpu-accounting, load, phase, report.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeMachine, machine, retrying, runScript } from './bench-kit';
import { readOptions } from './tracing-overhead/options';
import { startSink } from './tracing-overhead/otlp-sink-process';
import { runPhase, type PhaseResult } from './tracing-overhead/phase';
import {
  phaseTable,
  printSummary,
  summarize,
  writePartialResults,
  writeResults,
} from './tracing-overhead/report';
import { variantOf } from './tracing-overhead/variants';

async function main(): Promise<void> {
  const options = readOptions();
  // The phases decide about telemetry; nothing inherited from the shell may change it.
  for (const name of Object.keys(process.env)) if (name.startsWith('OTEL_')) delete process.env[name];

  const run = randomBytes(3).toString('hex');
  const sink = await startSink();
  const variants = options.variantSpecs.map((spec) => variantOf(spec, sink.url));
  const host = machine();
  process.stdout.write(
    `Tracing overhead on checkout: ${options.rounds} round(s) of ${variants.map((v) => v.spec).join(' / ')}, ` +
      `${options.warmupS} s warm-up + ${options.durationS} s measured, ${options.concurrency} concurrent users\n` +
      `${describeMachine(host)}\n` +
      variants.map((v) => `  ${v.spec}: ${v.description}`).join('\n') +
      '\n\n',
  );

  mkdirSync(dirname(options.out), { recursive: true });
  const phases: PhaseResult[] = [];
  let attempts = 0;
  try {
    for (let round = 1; round <= options.rounds; round++) {
      for (const variant of variants) {
        // A stack that fails to start (say, the apps being rebuilt under it) is tried again.
        const phase = await retrying(`round ${round}, ${variant.spec}`, () =>
          runPhase({ round, variant, index: attempts++, run }, sink, options),
        );
        phases.push(phase);
        process.stdout.write(`${phaseTable(phase, options.durationS)}\n\n`);
        writePartialResults(options.out, host, phases);
      }
    }
  } finally {
    await sink.stop();
  }

  const summary = summarize(variants, phases);
  printSummary(summary, host);
  writeResults(options.out, host, options, summary, phases);
}

runScript(main);
