/**
 * The variants a phase can run: `on`, `off`, `traces-only` (on without the metrics and logs
 * exporters), `unsampled` (on with the always_off sampler: instrumented, context propagated, no span
 * recorded), `no-tracer` (on with OTEL_TRACES_EXPORTER=none: instrumentations patched, no tracer
 * provider), or `only:http/grpc/...` (just those instrumentations, see telemetry-subset.mjs), each
 * optionally followed by `+NAME=VALUE` overrides: `on+OTEL_BSP_SCHEDULE_DELAY=1000`.
 */
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '../bench-kit';

export interface Variant {
  spec: string;
  description: string;
  env: Record<string, string>;
}

export function variantOf(spec: string, sinkUrl: string): Variant {
  const [base = '', ...overrides] = spec.split('+');
  const on = {
    OTEL_SDK_DISABLED: 'false',
    OTEL_TRACES_SAMPLER: 'always_on',
    OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
  };
  let variant: Omit<Variant, 'spec'>;
  if (base === 'off') {
    variant = { description: 'SDK disabled (OTEL_SDK_DISABLED=true)', env: { OTEL_SDK_DISABLED: 'true' } };
  } else if (base === 'on') {
    variant = {
      description:
        'SDK as deployed: all spans sampled, batch export, OTLP http/protobuf to the sink (metrics too)',
      env: on,
    };
  } else if (base === 'traces-only') {
    variant = {
      description: 'on, without the metrics and logs exporters',
      env: { ...on, OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' },
    };
  } else if (base === 'unsampled') {
    variant = {
      description: 'on, sampler always_off: instrumented and propagated, nothing recorded',
      env: { ...on, OTEL_TRACES_SAMPLER: 'always_off' },
    };
  } else if (base === 'no-tracer') {
    variant = {
      description: 'on, OTEL_TRACES_EXPORTER=none: instrumentations patched, no tracer provider',
      env: { ...on, OTEL_TRACES_EXPORTER: 'none' },
    };
  } else if (base.startsWith('only:')) {
    const names = base.slice('only:'.length).split('/').join(',');
    variant = {
      description: `on with only these instrumentations: ${names}`,
      env: {
        ...on,
        // Keeps the apps' own telemetry entry off; the preloaded subset starts its own SDK.
        OTEL_SDK_DISABLED: 'true',
        BENCH_OTEL_INSTRUMENTATIONS: names,
        NODE_OPTIONS: `--import=${join(WORKSPACE_ROOT, 'benchmarks', 'telemetry-subset.mjs')}`,
      },
    };
  } else {
    throw new Error(`unknown variant "${spec}": on, off, traces-only, unsampled, no-tracer, only:a/b/...`);
  }
  const env = { ...variant.env };
  for (const override of overrides) {
    const [name, ...value] = override.split('=');
    if (!name || value.length === 0) throw new Error(`variant "${spec}": "${override}" is not NAME=VALUE`);
    env[name] = value.join('=');
  }
  return {
    spec,
    description: overrides.length ? `${variant.description}; ${overrides.join(' ')}` : variant.description,
    env,
  };
}
