import { startTraceReceiver } from '@shop/trace-store';
import type { StackOptions } from './start-stack';

/** Where the stack's apps send their traces. */
export interface StackTraces {
  endpoint: string;
  /** The folder the stack's own receiver keeps them in; undefined when they go to a given endpoint. */
  dir: string | undefined;
  /** What the apps' environment gets so that they export there. */
  env: NodeJS.ProcessEnv;
  /** Stops the stack's own receiver, after the apps (they flush their last spans as they stop). */
  stop: (() => Promise<void>) | undefined;
}

/**
 * Chooses where traces go: to the collector or Jaeger that `OTEL_EXPORTER_OTLP_ENDPOINT` names, as
 * given; otherwise, with a trace folder, to a receiver the stack runs that keeps them there for
 * `npm run traces`; otherwise nowhere (the apps' SDK stays off, see app-env.ts).
 */
export async function receiveTraces(
  options: Pick<StackOptions, 'env' | 'traceDir'>,
): Promise<StackTraces | undefined> {
  const setting = (name: string) => options.env?.[name] ?? process.env[name];
  const given = setting('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (setting('OTEL_SDK_DISABLED') === 'true') return undefined;
  if (given) return { endpoint: given, dir: undefined, env: {}, stop: undefined };
  if (options.traceDir === undefined) return undefined;
  const receiver = await startTraceReceiver({ dir: options.traceDir });
  return {
    endpoint: receiver.endpoint,
    dir: options.traceDir,
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      // The receiver reads OTLP/JSON, and keeps traces only: exporting metrics to it would be work for
      // nothing (they need compose's Prometheus to be looked at), unless asked for.
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_METRICS_EXPORTER: setting('OTEL_METRICS_EXPORTER') ?? 'none',
    },
    stop: () => receiver.stop(),
  };
}
