/* eslint-disable @typescript-eslint/no-require-imports -- each exporter package is loaded on demand, see below */
import { diag } from '@opentelemetry/api';
import { getStringFromEnv } from '@opentelemetry/core';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace';

type Signal = 'TRACES' | 'METRICS' | 'LOGS';
type Protocol = 'grpc' | 'http/json' | 'http/protobuf';

// An app uses one protocol, so only that exporter package is required, when it is chosen: all nine
// together (with gRPC's and protobuf's code) were 8 MiB of every app's idle memory. The requires
// name their packages literally so that the bundler and the build's dependency list still see them.
const SPAN_EXPORTERS: Record<Protocol, () => SpanExporter> = {
  grpc: () => {
    const { OTLPTraceExporter } =
      require('@opentelemetry/exporter-trace-otlp-grpc') as typeof import('@opentelemetry/exporter-trace-otlp-grpc');
    return new OTLPTraceExporter();
  },
  'http/json': () => {
    const { OTLPTraceExporter } =
      require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter();
  },
  'http/protobuf': () => {
    const { OTLPTraceExporter } =
      require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
    return new OTLPTraceExporter();
  },
};

const METRIC_EXPORTERS: Record<Protocol, () => PushMetricExporter> = {
  grpc: () => {
    const { OTLPMetricExporter } =
      require('@opentelemetry/exporter-metrics-otlp-grpc') as typeof import('@opentelemetry/exporter-metrics-otlp-grpc');
    return new OTLPMetricExporter();
  },
  'http/json': () => {
    const { OTLPMetricExporter } =
      require('@opentelemetry/exporter-metrics-otlp-http') as typeof import('@opentelemetry/exporter-metrics-otlp-http');
    return new OTLPMetricExporter();
  },
  'http/protobuf': () => {
    const { OTLPMetricExporter } =
      require('@opentelemetry/exporter-metrics-otlp-proto') as typeof import('@opentelemetry/exporter-metrics-otlp-proto');
    return new OTLPMetricExporter();
  },
};

const LOG_EXPORTERS: Record<Protocol, () => LogRecordExporter> = {
  grpc: () => {
    const { OTLPLogExporter } =
      require('@opentelemetry/exporter-logs-otlp-grpc') as typeof import('@opentelemetry/exporter-logs-otlp-grpc');
    return new OTLPLogExporter();
  },
  'http/json': () => {
    const { OTLPLogExporter } =
      require('@opentelemetry/exporter-logs-otlp-http') as typeof import('@opentelemetry/exporter-logs-otlp-http');
    return new OTLPLogExporter();
  },
  'http/protobuf': () => {
    const { OTLPLogExporter } =
      require('@opentelemetry/exporter-logs-otlp-proto') as typeof import('@opentelemetry/exporter-logs-otlp-proto');
    return new OTLPLogExporter();
  },
};

/** `OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`, else http/protobuf. */
function otlpProtocol(signal: Signal): Protocol {
  const protocol =
    (
      getStringFromEnv(`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`) ??
      getStringFromEnv('OTEL_EXPORTER_OTLP_PROTOCOL')
    )?.trim() || 'http/protobuf';
  if (protocol === 'grpc' || protocol === 'http/json' || protocol === 'http/protobuf') return protocol;
  diag.warn(`Unsupported OTLP ${signal.toLowerCase()} protocol: "${protocol}". Using http/protobuf.`);
  return 'http/protobuf';
}

// Each exporter reads its endpoint, headers, timeout and compression from the OTEL_EXPORTER_OTLP_* variables.
export const otlpSpanExporter = (): SpanExporter => SPAN_EXPORTERS[otlpProtocol('TRACES')]();
export const otlpMetricExporter = (): PushMetricExporter => METRIC_EXPORTERS[otlpProtocol('METRICS')]();
export const otlpLogExporter = (): LogRecordExporter => LOG_EXPORTERS[otlpProtocol('LOGS')]();
