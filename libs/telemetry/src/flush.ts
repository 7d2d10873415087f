import { logs, metrics, trace } from '@opentelemetry/api';

interface Flushable {
  forceFlush?: () => Promise<void>;
}

/**
 * Exports what is buffered before the process exits: a graceful stop ends with `process.exit`, which
 * would drop the last batch of spans (often the interesting ones). The SDK registers its providers in
 * the API's globals, so this works without a reference to the SDK, and does nothing without one.
 */
export async function flushTelemetry(): Promise<void> {
  const tracerProvider = trace.getTracerProvider() as Flushable & { getDelegate?: () => Flushable };
  const providers: Flushable[] = [
    tracerProvider.getDelegate?.() ?? tracerProvider,
    metrics.getMeterProvider() as Flushable,
    // The log records the pino instrumentation sends (OTEL_LOGS_EXPORTER=otlp): the last lines of a stop
    // ("shutting down", "stopped") are the ones an operator looks for.
    logs.getLoggerProvider() as Flushable,
  ];
  await Promise.all(
    providers.map(async (provider) => {
      // An exporter that cannot reach its endpoint must not turn a clean stop into a failed one.
      await provider.forceFlush?.().catch(() => undefined);
    }),
  );
}
