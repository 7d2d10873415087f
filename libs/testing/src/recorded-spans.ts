import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

export interface RecordedSpans {
  /** Every span ended since `recordSpans()`, as it was exported. */
  exporter: InMemorySpanExporter;
  /** Uninstalls the tracer provider, the propagator and the context manager. */
  stop(): Promise<void>;
}

/**
 * Traces the rest of a spec file as an app's telemetry would (an async context manager, W3C propagation),
 * into memory rather than to a collector. Call it before starting what is traced (in `beforeAll`) and
 * `stop()` it after closing it (in `afterAll`): the API's globals stay installed until then.
 */
export function recordSpans(): RecordedSpans {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    exporter,
    async stop() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
