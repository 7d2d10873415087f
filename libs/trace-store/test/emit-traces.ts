// Run as a process of its own (the SDK's exporter loads its transport with a dynamic import, which
// jest's sandbox refuses): two traces of two spans each, the second with a span in error, exported the
// way the native stack's apps export theirs. Prints the trace ids, one per line.
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { startTelemetry } from '@shop/telemetry/sdk';

const sdk = startTelemetry({ serviceName: 'checkout-test', serviceVersion: '1', instrument: [] });
const tracer = trace.getTracer('trace-store-test');
for (const order of ['first', 'second']) {
  const root = tracer.startSpan(`POST /v1/orders ${order}`);
  const child = tracer.startSpan('charge card', {}, trace.setSpan(context.active(), root));
  if (order === 'second') child.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  child.end();
  root.end();
  console.log(root.spanContext().traceId);
}
void sdk?.shutdown();
