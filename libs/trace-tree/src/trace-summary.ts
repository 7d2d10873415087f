import { buildTraceTree, STATUS_CODE, type TraceSpan } from './trace-tree';

/** One trace in a line: what a list of recent traces shows. */
export interface TraceSummary {
  traceId: string;
  /** When its earliest span started. */
  start: Date;
  /** The span without a parent that started first; undefined when only orphans were received. */
  root: { name: string; service: string } | undefined;
  /** From the earliest start to the latest end. */
  durationMs: number;
  /** In the order their first span started. */
  services: string[];
  spanCount: number;
  errorCount: number;
  /** Spans whose parent was not received: a broken propagation, or spans still on their way. */
  orphanCount: number;
}

const nanos = (value: string): bigint => BigInt(value || '0');

/** Summarises the spans of one trace (spans of other traces must not be mixed in). */
export function summarizeTrace(spans: readonly TraceSpan[]): TraceSummary {
  if (spans.length === 0) throw new Error('a trace summary needs at least one span');
  const ordered = [...spans].sort((a, b) => {
    const difference = nanos(a.startTimeUnixNano) - nanos(b.startTimeUnixNano);
    return difference < 0n ? -1 : difference > 0n ? 1 : 0;
  });
  const first = ordered[0] as TraceSpan;
  const end = ordered.reduce(
    (latest, span) => (nanos(span.endTimeUnixNano) > latest ? nanos(span.endTimeUnixNano) : latest),
    nanos(first.endTimeUnixNano),
  );
  const tree = buildTraceTree(ordered);
  const root = tree.roots[0]?.span;
  return {
    traceId: first.traceId,
    start: new Date(Number(nanos(first.startTimeUnixNano) / 1_000_000n)),
    root: root && { name: root.name, service: root.service },
    durationMs: Number(end - nanos(first.startTimeUnixNano)) / 1e6,
    services: [...new Set(ordered.map((span) => span.service))],
    spanCount: new Set(ordered.map((span) => span.spanId)).size,
    errorCount: ordered.filter((span) => span.status.code === STATUS_CODE.error).length,
    orphanCount: tree.orphans.length,
  };
}
