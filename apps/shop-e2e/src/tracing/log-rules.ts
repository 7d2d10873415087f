import { readFileSync } from 'node:fs';
import { eventually } from '@shop/testing';
import type { CheckoutCase, TracedCheckouts } from './traced-checkouts';

/** A checkout's log lines, in the apps' files and over OTLP, name the trace and the span they were written in. */
export function checkoutLogRules(traced: TracedCheckouts, { which }: CheckoutCase): void {
  it('writes log lines that carry its trace_id and the span_id of the span they were written in', async () => {
    const { traceId, spans } = traced.traceOf(which);
    const spanIds = new Set(spans.map((span) => span.spanId));
    const lines = await eventually(() => {
      const found = traced.stack.processes.flatMap((app) =>
        readFileSync(app.logFile, 'utf8')
          .split('\n')
          .filter((line) => line.includes(traceId))
          .map((line) => JSON.parse(line) as { service: string; trace_id: string; span_id: string }),
      );
      // The gateway logs the request; email-service logs the mail it sent.
      expect([...new Set(found.map((line) => line.service))]).toEqual(
        expect.arrayContaining(['gateway', 'email-service']),
      );
      return found;
    }, 10_000);
    for (const line of lines) expect(spanIds.has(line.span_id)).toBe(true);
  });

  it('exports the same log lines over OTLP, with the trace and span ids a log store links to the trace by', async () => {
    const { traceId, spans } = traced.traceOf(which);
    const spanIds = new Set(spans.map((span) => span.spanId));
    const records = await eventually(() => {
      const found = traced.receiver.logs.filter((record) => record.traceId === traceId);
      expect([...new Set(found.map((record) => record.service))]).toEqual(
        expect.arrayContaining(['gateway', 'email-service']),
      );
      return found;
    }, 10_000);
    for (const record of records) {
      expect(spanIds.has(record.spanId)).toBe(true);
      expect(record.severityText).not.toBe('');
      expect(record.body).not.toBe('');
    }
  });
}
