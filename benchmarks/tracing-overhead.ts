/**
 * What tracing costs the checkout: completed checkouts per second with the OpenTelemetry SDK on (every
 * span sampled, batch export over OTLP/HTTP protobuf to a sink that discards it) and off
 * (`OTEL_SDK_DISABLED=true`), phases alternating on/off/on/off so drift hits both alike, or, with
 * `--side-by-side`, each round's variants at the same time on stacks of their own.
 *
 *   npm run bench:tracing -- [--rounds 3] [--duration 20] [--warmup 5] [--concurrency 96]
 *                            [--variants on,off] [--side-by-side] [--rate 30] [--no-build]
 *                            [--out benchmarks/results/tracing-overhead.json]
 *
 * Each phase starts a fresh stack (own databases, broker, fresh processes; the email service sends to
 * the benchmark), signs up the customers, runs a closed loop of `--concurrency` customers checking out
 * (POST /v1/orders with pm_card_visa, then waiting for the order's confirmation mail: the saga's last
 * hop) for the warm-up and then the measured duration, and stops the stack. With `--rate`, each stack is
 * offered that many checkouts a second instead (open loop), and the CPU per checkout is the figure.
 * The variants are described in tracing-overhead/variants.ts; the parts: options, variants,
 * otlp-sink-process, cpu-accounting, load, phase, report.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeMachine, machine, runScript } from './bench-kit';
import { readOptions } from './tracing-overhead/options';
import { startSink } from './tracing-overhead/otlp-sink-process';
import { runPhases, type PhaseResult } from './tracing-overhead/phase';
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
  // One sink per variant: what each exports is counted apart, also when they run side by side.
  const setups = await Promise.all(
    options.variantSpecs.map(async (spec) => {
      const sink = await startSink();
      return { sink, variant: variantOf(spec, sink.url) };
    }),
  );
  const variants = setups.map(({ variant }) => variant);
  // Side by side, the stacks share the customers, so the machine carries the same load either way.
  const concurrency = options.sideBySide
    ? Math.max(1, Math.round(options.concurrency / variants.length))
    : options.concurrency;
  const host = machine();
  process.stdout.write(
    `Tracing overhead on checkout: ${options.rounds} round(s) of ${variants.map((v) => v.spec).join(' / ')}` +
      `${options.sideBySide ? ' side by side' : ''}, ` +
      `${options.warmupS} s warm-up + ${options.durationS} s measured, ${concurrency} concurrent users per stack` +
      `${options.rate === undefined ? '' : `, offered ${options.rate} checkouts/s each (open loop)`}\n` +
      `${describeMachine(host)}\n` +
      variants.map((v) => `  ${v.spec}: ${v.description}`).join('\n') +
      '\n\n',
  );

  mkdirSync(dirname(options.out), { recursive: true });
  const phases: PhaseResult[] = [];
  let started = 0;
  try {
    for (let round = 1; round <= options.rounds; round++) {
      const specs = setups.map(({ variant, sink }) => ({
        round,
        variant,
        sink,
        concurrency,
        run,
        nextIndex: () => started++,
      }));
      await runPhases(specs, options, (phase) => {
        phases.push(phase);
        process.stdout.write(`${phaseTable(phase, options.durationS)}\n\n`);
        writePartialResults(options.out, host, phases);
      });
    }
  } finally {
    await Promise.all(setups.map(({ sink }) => sink.stop()));
  }

  const summary = summarize(variants, phases);
  const caveat =
    options.rate !== undefined
      ? 'fixed by the offered rate'
      : options.sideBySide
        ? 'sharing the cores'
        : undefined;
  printSummary(summary, host, caveat);
  writeResults(options.out, host, { ...options, concurrency }, summary, phases);
}

runScript(main);
