import { summarizeTrace } from './trace-summary';
import {
  buildTraceTree,
  describeAttributes,
  drawTree,
  durationMs,
  KIND_NAMES,
  STATUS_CODE,
  type TraceSpan,
} from './trace-tree';

export interface WaterfallOptions {
  /** Columns of the whole line (default 120); the bars get what the labels leave. */
  width?: number;
  /** ANSI colours: errors red, attributes dim (default off). */
  color?: boolean;
}

const LABEL_WIDTH = 56;
const SERVICE_WIDTH = 18;
const DURATION_WIDTH = 10;
const MIN_BAR_WIDTH = 20;

const fit = (text: string, width: number): string =>
  text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);

export function formatDuration(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/**
 * A trace as a terminal waterfall: the span tree down the left (name and kind, service, duration), a
 * bar per span on one time scale across the right, the span's key attributes under it, errors marked
 * with their message. Orphans (parent not received) follow under a heading of their own.
 */
export function renderWaterfall(spans: readonly TraceSpan[], options: WaterfallOptions = {}): string {
  const width = options.width ?? 120;
  const paint = (code: string, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const summary = summarizeTrace(spans);
  const tree = buildTraceTree(spans);
  const t0 = spans.reduce(
    (min, span) => (BigInt(span.startTimeUnixNano) < min ? BigInt(span.startTimeUnixNano) : min),
    BigInt(spans[0]?.startTimeUnixNano ?? '0'),
  );
  const total = Math.max(summary.durationMs, 0.001);
  const barWidth = Math.max(MIN_BAR_WIDTH, width - LABEL_WIDTH - SERVICE_WIDTH - DURATION_WIDTH - 3);
  const offsetMs = (span: TraceSpan) => Number(BigInt(span.startTimeUnixNano) - t0) / 1e6;

  const bar = (span: TraceSpan): string => {
    const from = Math.min(barWidth - 1, Math.floor((offsetMs(span) / total) * barWidth));
    const length = Math.max(1, Math.round((durationMs(span) / total) * barWidth));
    const cells = ' '.repeat(from) + '█'.repeat(Math.min(length, barWidth - from));
    return span.status.code === STATUS_CODE.error ? paint('31', cells) : cells;
  };

  const lines = [
    `trace ${summary.traceId}  ${summary.start.toISOString()}  ${formatDuration(summary.durationMs)}  ` +
      `${summary.spanCount} spans  ${summary.services.join(', ')}` +
      (summary.errorCount > 0 ? paint('31', `  ${summary.errorCount} errors`) : ''),
    `${' '.repeat(LABEL_WIDTH + SERVICE_WIDTH + DURATION_WIDTH + 3)}` +
      `0${formatDuration(total).padStart(barWidth - 1)}`,
  ];

  lines.push(
    ...drawTree(tree, {
      line: ({ span }, lead) => {
        const kind = KIND_NAMES[span.kind];
        const name = `${span.name}${kind && kind !== 'internal' ? ` (${kind})` : ''}`;
        return (
          `${fit(`${lead}${name}`, LABEL_WIDTH)} ${fit(span.service, SERVICE_WIDTH)} ` +
          `${formatDuration(durationMs(span)).padStart(DURATION_WIDTH)} ${bar(span)}`
        );
      },
      below: ({ span }, indent) => {
        const detail = [
          describeAttributes(span),
          span.status.code === STATUS_CODE.error ? paint('31', `ERROR ${span.status.message ?? ''}`) : '',
        ]
          .filter(Boolean)
          .join('  ');
        return detail ? [paint('2', `${indent}${detail}`)] : [];
      },
    }),
  );
  return lines.join('\n');
}
