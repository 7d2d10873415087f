import { diag, type TextMapPropagator } from '@opentelemetry/api';
import {
  CompositePropagator,
  getNumberFromEnv,
  getStringFromEnv,
  getStringListFromEnv,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import {
  envDetector,
  hostDetector,
  osDetector,
  processDetector,
  serviceInstanceIdDetector,
  type Resource,
  type ResourceDetector,
} from '@opentelemetry/resources';
import type { LoggerProvider, LogRecordProcessor } from '@opentelemetry/sdk-logs';
import {
  ConsoleMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { otlpLogExporter, otlpMetricExporter, otlpSpanExporter } from './exporters';

// The SDK's parts built from the standard OTEL_* variables, as NodeSDK (0.301) builds them, for the
// exporters otlp, console and none (zipkin and prometheus are not installed).

/** A number variable that must be above 0; otherwise the component's default. */
function positiveNumber(name: string): number | undefined {
  const value = getNumberFromEnv(name);
  if (value === undefined || value > 0) return value;
  diag.warn(`${name} (${value}) is invalid, expected a number above 0: using the default.`);
  return undefined;
}

/** The exporters a `OTEL_<SIGNAL>_EXPORTER` variable names: otlp when unset, none when it says none. */
function exporterNames(variable: string): string[] {
  const names = [...new Set(getStringListFromEnv(variable))];
  if (names.includes('none')) return [];
  return names.length > 0 ? names : ['otlp'];
}

function unsupported(variable: string, name: string): [] {
  diag.warn(`Unsupported ${variable} value: "${name}". Supported values are: otlp, console, none.`);
  return [];
}

/** OTEL_BSP_* for spans, OTEL_BLRP_* for log records. */
function batchSettings(prefix: 'BSP' | 'BLRP') {
  return {
    maxQueueSize: positiveNumber(`OTEL_${prefix}_MAX_QUEUE_SIZE`),
    maxExportBatchSize: positiveNumber(`OTEL_${prefix}_MAX_EXPORT_BATCH_SIZE`),
    scheduledDelayMillis: positiveNumber(`OTEL_${prefix}_SCHEDULE_DELAY`),
    exportTimeoutMillis: positiveNumber(`OTEL_${prefix}_EXPORT_TIMEOUT`),
  };
}

/** OTEL_<KIND>_ATTRIBUTE_COUNT_LIMIT / _VALUE_LENGTH_LIMIT, else the general OTEL_ATTRIBUTE_* ones. */
function attributeLimits(kind: 'SPAN' | 'LOGRECORD') {
  return {
    attributeCountLimit:
      getNumberFromEnv(`OTEL_${kind}_ATTRIBUTE_COUNT_LIMIT`) ??
      getNumberFromEnv('OTEL_ATTRIBUTE_COUNT_LIMIT'),
    attributeValueLengthLimit:
      getNumberFromEnv(`OTEL_${kind}_ATTRIBUTE_VALUE_LENGTH_LIMIT`) ??
      getNumberFromEnv('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'),
  };
}

const DETECTORS = new Map<string, ResourceDetector[]>([
  ['env', [envDetector]],
  ['host', [hostDetector]],
  ['os', [osDetector]],
  ['process', [processDetector]],
  ['serviceinstance', [serviceInstanceIdDetector]],
]);

/**
 * OTEL_NODE_RESOURCE_DETECTORS, all of them by default. The env detector reads OTEL_RESOURCE_ATTRIBUTES
 * and OTEL_SERVICE_NAME, which override the app's own defaults.
 */
export function resourceDetectors(): ResourceDetector[] {
  const names = getStringListFromEnv('OTEL_NODE_RESOURCE_DETECTORS') ?? ['all'];
  if (names.includes('none')) return [];
  if (names.includes('all')) return [...DETECTORS.values()].flat();
  return names.flatMap((name) => {
    const detectors = DETECTORS.get(name);
    if (!detectors) diag.warn(`Unknown resource detector "${name}" in OTEL_NODE_RESOURCE_DETECTORS.`);
    return detectors ?? [];
  });
}

/** OTEL_PROPAGATORS: W3C trace context and baggage by default. */
export function propagatorFromEnv(): TextMapPropagator | undefined {
  const names = getStringListFromEnv('OTEL_PROPAGATORS') ?? ['tracecontext', 'baggage'];
  if (names.includes('none')) return undefined;
  const propagators = [...new Set(names)].flatMap((name): TextMapPropagator[] => {
    if (name === 'tracecontext') return [new W3CTraceContextPropagator()];
    if (name === 'baggage') return [new W3CBaggagePropagator()];
    diag.warn(
      `Unsupported OTEL_PROPAGATORS value: "${name}". Supported values are: tracecontext, baggage, none.`,
    );
    return [];
  });
  return new CompositePropagator({ propagators });
}

function samplerRatio(): number {
  const ratio = getNumberFromEnv('OTEL_TRACES_SAMPLER_ARG');
  if (ratio !== undefined && ratio >= 0 && ratio <= 1) return ratio;
  diag.error(`OTEL_TRACES_SAMPLER_ARG is missing or not within [0, 1]: sampling every trace.`);
  return 1;
}

const ROOT_SAMPLERS = new Map<string, () => Sampler>([
  ['always_on', () => new AlwaysOnSampler()],
  ['always_off', () => new AlwaysOffSampler()],
  ['traceidratio', () => new TraceIdRatioBasedSampler(samplerRatio())],
]);

/** OTEL_TRACES_SAMPLER (+ _ARG); unset or unknown: the provider's default, parentbased_always_on. */
function samplerFromEnv(): Sampler | undefined {
  const name = getStringFromEnv('OTEL_TRACES_SAMPLER');
  if (name === undefined) return undefined;
  const parentBased = name.startsWith('parentbased_');
  const root = ROOT_SAMPLERS.get(parentBased ? name.slice('parentbased_'.length) : name);
  if (!root) {
    diag.error(`Unknown OTEL_TRACES_SAMPLER value "${name}": using parentbased_always_on.`);
    return undefined;
  }
  return parentBased ? new ParentBasedSampler({ root: root() }) : root();
}

/** OTEL_TRACES_EXPORTER; none: no tracer provider (the API's no-op tracer). */
export function tracerProviderFromEnv(resource: Resource): TracerProvider | undefined {
  const spanProcessors = exporterNames('OTEL_TRACES_EXPORTER').flatMap((name): SpanProcessor[] => {
    if (name === 'otlp')
      return [new BatchSpanProcessor({ exporter: otlpSpanExporter(), ...batchSettings('BSP') })];
    if (name === 'console') return [new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() })];
    return unsupported('OTEL_TRACES_EXPORTER', name);
  });
  if (spanProcessors.length === 0) return undefined;
  return new TracerProvider({
    resource,
    spanProcessors,
    sampler: samplerFromEnv(),
    spanLimits: {
      ...attributeLimits('SPAN'),
      eventCountLimit: getNumberFromEnv('OTEL_SPAN_EVENT_COUNT_LIMIT'),
      linkCountLimit: getNumberFromEnv('OTEL_SPAN_LINK_COUNT_LIMIT'),
    },
  });
}

/** A reader every OTEL_METRIC_EXPORT_INTERVAL (60 s), its export cut after OTEL_METRIC_EXPORT_TIMEOUT (30 s). */
function periodicReader(exporter: PushMetricExporter): PeriodicExportingMetricReader {
  const exportIntervalMillis = positiveNumber('OTEL_METRIC_EXPORT_INTERVAL') ?? 60_000;
  const exportTimeoutMillis = Math.min(
    positiveNumber('OTEL_METRIC_EXPORT_TIMEOUT') ?? 30_000,
    exportIntervalMillis,
  );
  return new PeriodicExportingMetricReader({ exporter, exportIntervalMillis, exportTimeoutMillis });
}

/** OTEL_METRICS_EXPORTER; none: no meter provider. */
export function meterProviderFromEnv(resource: Resource): MeterProvider | undefined {
  const readers = exporterNames('OTEL_METRICS_EXPORTER').flatMap((name): PeriodicExportingMetricReader[] => {
    if (name === 'otlp') return [periodicReader(otlpMetricExporter())];
    if (name === 'console') return [periodicReader(new ConsoleMetricExporter())];
    return unsupported('OTEL_METRICS_EXPORTER', name);
  });
  return readers.length > 0 ? new MeterProvider({ resource, readers }) : undefined;
}

/**
 * OTEL_LOGS_EXPORTER; none (the stack's default): no logger provider, and the logs SDK is not even
 * loaded (half a MiB per app).
 */
export function loggerProviderFromEnv(resource: Resource): LoggerProvider | undefined {
  const names = exporterNames('OTEL_LOGS_EXPORTER');
  if (names.length === 0) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when logs are exported
  const sdk = require('@opentelemetry/sdk-logs') as typeof import('@opentelemetry/sdk-logs');
  const { BatchLogRecordProcessor, ConsoleLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } = sdk;
  const processors = names.flatMap((name): LogRecordProcessor[] => {
    if (name === 'otlp')
      return [new BatchLogRecordProcessor({ exporter: otlpLogExporter(), ...batchSettings('BLRP') })];
    if (name === 'console')
      return [new SimpleLogRecordProcessor({ exporter: new ConsoleLogRecordExporter() })];
    return unsupported('OTEL_LOGS_EXPORTER', name);
  });
  if (processors.length === 0) return undefined;
  return new LoggerProvider({ resource, processors, logRecordLimits: attributeLimits('LOGRECORD') });
}
