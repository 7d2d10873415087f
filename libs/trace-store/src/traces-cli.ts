import { parseArgs } from 'node:util';
import { formatDuration, renderWaterfall, summarizeTrace, type TraceSummary } from '@shop/trace-tree';
import { findStoredTrace, listStoredTraces, readTraceFile } from './trace-dir';

export const TRACES_USAGE = `Usage:
  npm run traces                    the most recent traces, newest first
  npm run traces -- TRACE_ID        one trace as a waterfall (a unique prefix of the id will do)

Options:
  --service NAME       only traces that reach this service (e.g. email-service)
  --errors             only traces with a span in error
  --min-duration TIME  only traces at least this long: 250ms, 1.5s
  --limit N            how many traces to list (default 20)
  --dir DIR            where the traces are (default: the native stack's, tmp/stack/traces)
  --width N            columns of the waterfall (default: the terminal's width, or 120)
  --help

The native stack keeps the latest traces there when no OTEL_EXPORTER_OTLP_ENDPOINT is given. Each file
is OTLP/JSON Lines: Jaeger's UI opens it as it is (Search, "Upload").`;

export interface TracesCliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** The terminal's width, when output goes to one. */
  columns?: number | undefined;
  color?: boolean;
}

/** `250ms`, `1.5s`, `2s` or a bare number of milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/.exec(text.trim());
  if (!match) throw new Error(`--min-duration: "${text}" is not a duration such as 250ms or 1.5s`);
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

const time = (date: Date) => date.toISOString().slice(11, 23);

function listLine(summary: TraceSummary): string {
  const root = summary.root ? `${summary.root.service}: ${summary.root.name}` : '(root not received)';
  return [
    time(summary.start),
    summary.traceId,
    formatDuration(summary.durationMs).padStart(9),
    `${summary.spanCount} spans`.padStart(9),
    (summary.errorCount > 0 ? `${summary.errorCount} errors` : '').padEnd(9),
    root,
    `[${summary.services.join(', ')}]`,
  ].join('  ');
}

/** Runs `npm run traces` with its arguments; resolves with the exit code. */
export async function runTracesCli(args: string[], defaultDir: string, io: TracesCliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        service: { type: 'string' },
        errors: { type: 'boolean' },
        'min-duration': { type: 'string' },
        limit: { type: 'string' },
        dir: { type: 'string' },
        width: { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${TRACES_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(TRACES_USAGE);
    return 0;
  }
  const dir = values.dir ?? defaultDir;
  try {
    if (positionals.length > 1) throw new Error('give one trace id at a time');
    const [traceId] = positionals;
    if (traceId !== undefined) {
      const stored = await findStoredTrace(dir, traceId);
      const width = values.width ? Number(values.width) : (io.columns ?? 120);
      if (!Number.isInteger(width) || width < 60) throw new Error('--width: a whole number of at least 60');
      io.out(renderWaterfall(await readTraceFile(stored.file), { width, color: io.color ?? false }));
      return 0;
    }
    const limit = values.limit === undefined ? 20 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new Error('--limit: a whole number of at least 1');
    const minDurationMs = values['min-duration'] === undefined ? 0 : parseDuration(values['min-duration']);

    const stored = await listStoredTraces(dir);
    if (stored.length === 0) {
      io.err(`no traces in ${dir} yet: start the shop with \`npm run stack\` and use it`);
      return 1;
    }
    const shown: TraceSummary[] = [];
    for (const trace of stored) {
      if (shown.length >= limit) break;
      const spans = await readTraceFile(trace.file);
      if (spans.length === 0) continue;
      const summary = summarizeTrace(spans);
      if (values.service && !summary.services.includes(values.service)) continue;
      if (values.errors && summary.errorCount === 0) continue;
      if (summary.durationMs < minDurationMs) continue;
      shown.push(summary);
    }
    if (shown.length === 0) {
      io.err(`none of the ${stored.length} traces in ${dir} match`);
      return 1;
    }
    for (const summary of shown) io.out(listLine(summary));
    return 0;
  } catch (error) {
    io.err((error as Error).message);
    return 1;
  }
}
