import { FastifyOtelInstrumentation } from '@fastify/otel';
import { context, diag, DiagConsoleLogger, logs, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { diagLogLevelFromString, getBooleanFromEnv, getStringFromEnv } from '@opentelemetry/core';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { detectResources, resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import {
  loggerProviderFromEnv,
  meterProviderFromEnv,
  propagatorFromEnv,
  resourceDetectors,
  tracerProviderFromEnv,
} from './from-env';

/** What an app talks to, and so which libraries the SDK patches in it. */
export type Instrumented = 'http-server' | 'grpc' | 'pg' | 'kafkajs';

export interface TelemetryOptions {
  /** The app's name (`orders-service`); `OTEL_SERVICE_NAME` overrides it. */
  serviceName: string;
  serviceVersion: string;
  /**
   * The libraries this app uses; pino and the runtime are instrumented in every app. Only these are
   * patched: an instrumentation also hooks `require` (each distinct copy of
   * `@opentelemetry/instrumentation` adds a hook that resolves every later `require` call, and kafkajs
   * requires its protocol modules on every request), so one whose library the app never calls is a
   * cost for nothing.
   */
  instrument: readonly Instrumented[];
}

// Probes and the health protocol would otherwise be most of what a trace backend receives. The gateway's
// intake of the browser's spans is left out too: a trace per exported batch would be noise beside the
// browser's own traces.
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/favicon.ico', '/otlp/v1/traces']);
const IGNORED_RPCS = [/^Check$/, /^Watch$/, /^ServerReflectionInfo$/];

const INSTRUMENTATIONS: Record<Instrumented, () => Instrumentation[]> = {
  'http-server': () => [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0] ?? ''),
    }),
    // One `request` span per route with the route's name; a span per lifecycle hook and handler would
    // double the gateway's spans for nothing a reader needs (the gRPC client span shows the handler).
    new FastifyOtelInstrumentation({
      registerOnInitialization: true,
      ignorePaths: (route) => UNTRACED_PATHS.has(route.url),
      instrumentHooks: false,
      instrumentHandler: false,
    }),
  ],
  grpc: () => [new GrpcInstrumentation({ ignoreGrpcMethods: IGNORED_RPCS })],
  // Only queries inside a traced operation: the outbox relay's polling would otherwise start a
  // trace of its own several times a second. No span per pool checkout: the pool's usage is a
  // metric (db.client.connection.count), and a checkout span per query was a fifth of all spans.
  pg: () => [new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true })],
  kafkajs: () => [new KafkaJsInstrumentation()],
};

/** The running SDK: `shutdown()` exports what is buffered and stops its exporters. */
export interface Telemetry {
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK before the app is loaded (`node --import ./telemetry.js main.js`), so
 * the instrumented modules (http, fastify, grpc-js, pg, kafkajs, pino) are patched when the app first
 * requires them. Everything else is configured by the standard `OTEL_*` variables: exporters and
 * their protocol and endpoint, the sampler, batch and export intervals, `OTEL_SDK_DISABLED`.
 *
 * The providers are built here rather than by NodeSDK, which requires every exporter it knows at load
 * (OTLP over gRPC, HTTP and protobuf for each signal, Zipkin, Prometheus): 8 MiB per app for nothing.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry | undefined {
  if (getBooleanFromEnv('OTEL_SDK_DISABLED')) return undefined;
  const logLevel = getStringFromEnv('OTEL_LOG_LEVEL');
  if (logLevel) diag.setLogger(new DiagConsoleLogger(), { logLevel: diagLogLevelFromString(logLevel) });
  // Patches the libraries' modules now, before the app requires them.
  const instrumentations = [
    ...[...new Set(options.instrument)].flatMap((name) => INSTRUMENTATIONS[name]()),
    new PinoInstrumentation(),
    new RuntimeNodeInstrumentation(),
  ];
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const propagator = propagatorFromEnv();
  if (propagator) propagation.setGlobalPropagator(propagator);
  // Defaults that OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (read by the env detector) override.
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: options.serviceName,
    [ATTR_SERVICE_VERSION]: options.serviceVersion,
    'service.namespace': 'shop',
    'deployment.environment.name': 'development',
  }).merge(detectResources({ detectors: resourceDetectors() }));
  const meterProvider = meterProviderFromEnv(resource);
  const tracerProvider = tracerProviderFromEnv(resource);
  const loggerProvider = loggerProviderFromEnv(resource);
  if (meterProvider) metrics.setGlobalMeterProvider(meterProvider);
  if (tracerProvider) trace.setGlobalTracerProvider(tracerProvider);
  if (loggerProvider) logs.setGlobalLoggerProvider(loggerProvider);
  // Hands the instrumentations the providers now registered (their metric instruments are made anew).
  registerInstrumentations({ instrumentations });
  return {
    shutdown: async () => {
      await Promise.all([tracerProvider?.shutdown(), loggerProvider?.shutdown(), meterProvider?.shutdown()]);
    },
  };
}
