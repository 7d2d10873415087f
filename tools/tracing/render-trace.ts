/**
 * Prints captured spans as a readable tree:
 *
 *   npx tsx --tsconfig tsconfig.base.json tools/tracing/render-trace.ts docs/traces/checkout-confirmed.json
 *
 * The input is a JSON array of received spans (what the test OTLP receiver keeps; see
 * docs/traces/). Several traces in one file are rendered one after the other; `--trace <id>` picks
 * one, `--no-offsets` leaves out each span's start relative to the first. `-` or no file reads stdin.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { renderTraceTree, type TraceSpan } from '@shop/trace-tree';

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      trace: { type: 'string' },
      'no-offsets': { type: 'boolean', default: false },
    },
  });
  const file = positionals[0] ?? '-';
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  const spans = (JSON.parse(text) as TraceSpan[]).filter(
    (span) => values.trace === undefined || span.traceId === values.trace,
  );
  if (spans.length === 0) throw new Error(values.trace ? `no span of trace ${values.trace}` : 'no spans');
  const traceIds = [...new Set(spans.map((span) => span.traceId))];
  const rendered = traceIds.map((traceId) => {
    const ofTrace = spans.filter((span) => span.traceId === traceId);
    const services = new Set(ofTrace.map((span) => span.service)).size;
    return [
      `trace ${traceId}: ${ofTrace.length} spans, ${services} services`,
      renderTraceTree(ofTrace, { offsets: !values['no-offsets'] }),
    ].join('\n');
  });
  process.stdout.write(`${rendered.join('\n\n')}\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
