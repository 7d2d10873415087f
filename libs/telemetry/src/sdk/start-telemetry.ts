import { FastifyOtelInstrumentation } from '@fastify/otel';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

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

type Instrumentations = NonNullable<
  NonNullable<ConstructorParameters<typeof NodeSDK>[0]>['instrumentations']
>;

const INSTRUMENTATIONS: Record<Instrumented, () => Instrumentations> = {
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

/**
 * Starts the OpenTelemetry SDK before the app is loaded (`node --import ./telemetry.js main.js`), so
 * the instrumented modules (http, fastify, grpc-js, pg, kafkajs, pino) are patched when the app first
 * requires them. Everything else is configured by the standard `OTEL_*` variables: exporters and
 * their protocol and endpoint, the sampler, batch and export intervals, `OTEL_SDK_DISABLED`.
 */
export function startTelemetry(options: TelemetryOptions): NodeSDK | undefined {
  if (process.env['OTEL_SDK_DISABLED'] === 'true') return undefined;
  const sdk = new NodeSDK({
    // Defaults that OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (read by the env detector) override.
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: options.serviceVersion,
      'service.namespace': 'shop',
      'deployment.environment.name': 'development',
    }),
    instrumentations: [
      ...[...new Set(options.instrument)].flatMap((name) => INSTRUMENTATIONS[name]()),
      new PinoInstrumentation(),
      new RuntimeNodeInstrumentation(),
    ],
  });
  sdk.start();
  return sdk;
}
