/**
 * `npm run loadtest -- --scenario checkout --rate 50 --duration 20s --out DIR`: runs one load test
 * against a running shop and writes DIR/report.json and DIR/report.html.
 * Exit codes: 0 done (whatever the figures), 1 the run failed, 2 a usage error or an unreachable target.
 */
import { resolve } from 'node:path';
import {
  describeSlo,
  runLoadTest,
  TargetUnreachableError,
  UsageError,
  type LoadReport,
} from '@shop/load-generator';
import { parseCommandLine, USAGE } from './cli';

function summary(report: LoadReport, files: string[]): string {
  const lines = [
    '',
    `${report.scenario}: ${report.requests} requests, target ${report.targetRate}/s, achieved ${report.achievedRate}/s, ` +
      `errors ${report.errors}, dropped ${report.dropped}, late starts ${report.lateStarts}`,
    `latency ms (from intended start): p50 ${report.latencyMs.p50}  p90 ${report.latencyMs.p90}  ` +
      `p99 ${report.latencyMs.p99}  max ${report.latencyMs.max}`,
  ];
  if (report.settleMs && report.settle)
    lines.push(
      `settle ms (POST to final state): p50 ${report.settleMs.p50}  p90 ${report.settleMs.p90}  ` +
        `p99 ${report.settleMs.p99}  max ${report.settleMs.max}  ` +
        `(${report.settle.confirmed} confirmed, ${report.settle.cancelled} cancelled, ${report.settle.timedOut} timed out)`,
    );
  if (report.step) {
    const best = report.step.maxRatePassing;
    lines.push(
      `highest rate with ${describeSlo(report.step, report.step.maxErrorRate)}: ${best === null ? 'none' : `${best}/s`}`,
    );
  }
  lines.push(...files.map((file) => `wrote ${file}`), '');
  return lines.join('\n');
}

async function main(): Promise<number> {
  let command;
  try {
    command = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`loadtest: ${error.message} (see --help)\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const { options } = command;
  if (options.outDir) options.outDir = resolve(options.outDir);
  if (!command.quiet) options.progress = process.stderr;
  try {
    const { report, files } = await runLoadTest(options);
    process.stdout.write(summary(report, files));
    return 0;
  } catch (error) {
    if (error instanceof TargetUnreachableError) {
      process.stderr.write(`loadtest: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`loadtest: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
