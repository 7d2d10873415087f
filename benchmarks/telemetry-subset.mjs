// Diagnostic variant of the apps' telemetry entry (libs/telemetry/src/sdk/start-telemetry.ts) with only
// some of its instrumentations, to see which ones cost the most. The SDK ignores
// OTEL_NODE_DISABLED_INSTRUMENTATIONS for instrumentations passed to it explicitly, so the benchmark
// instead preloads this file (NODE_OPTIONS=--import) with OTEL_SDK_DISABLED=true, which keeps the
// app's own entry off, and BENCH_OTEL_INSTRUMENTATIONS=http,fastify,grpc,pg,kafkajs,pino,runtime.
// Everything else (exporters, sampler, batch settings) comes from OTEL_* as in the apps.
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';

const wanted = new Set(
  (process.env.BENCH_OTEL_INSTRUMENTATIONS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean),
);

if (wanted.size > 0) {
  // The same settings as the apps' entry.
  const PROBE_PATHS = new Set(['/healthz', '/readyz', '/favicon.ico']);
  const IGNORED_RPCS = [/^Check$/, /^Watch$/, /^ServerReflectionInfo$/];
  const factories = {
    http: () =>
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => PROBE_PATHS.has((request.url ?? '').split('?')[0] ?? ''),
      }),
    fastify: () =>
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        ignorePaths: (route) => PROBE_PATHS.has(route.url),
        instrumentHooks: false,
        instrumentHandler: false,
      }),
    grpc: () => new GrpcInstrumentation({ ignoreGrpcMethods: IGNORED_RPCS }),
    pg: () => new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
    kafkajs: () => new KafkaJsInstrumentation(),
    pino: () => new PinoInstrumentation(),
    runtime: () => new RuntimeNodeInstrumentation(),
  };
  for (const name of wanted) {
    if (!(name in factories)) {
      process.stderr.write(
        `telemetry-subset: unknown instrumentation "${name}" (${Object.keys(factories).join(', ')})\n`,
      );
      process.exit(2);
    }
  }
  // The app's own entry must stay off: lift the switch only while this SDK reads its configuration.
  const disabled = process.env.OTEL_SDK_DISABLED;
  delete process.env.OTEL_SDK_DISABLED;
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      'service.name': process.env.OTEL_SERVICE_NAME ?? 'unknown',
      'service.namespace': 'shop',
      'deployment.environment.name': 'development',
    }),
    instrumentations: [...wanted].map((name) => factories[name]()),
  });
  sdk.start();
  if (disabled !== undefined) process.env.OTEL_SDK_DISABLED = disabled;
}
