import {
  serviceOf,
  spansOf,
  type OtlpResource,
  type OtlpTracesRequest,
  type TraceSpan,
} from '@shop/trace-tree';
import { createServer, type IncomingMessage } from 'node:http';

/** A span as an OTLP/JSON export carries it, flattened with its service's name. */
export type ReceivedSpan = TraceSpan;

export type MetricType = 'counter' | 'updowncounter' | 'gauge' | 'histogram' | 'exponential-histogram';

/** One metric of one export, with what a metrics backend needs to name it: instrument type and unit. */
export interface ReceivedMetric {
  service: string;
  name: string;
  type: MetricType | undefined;
  unit: string;
}

interface OtlpMetric {
  name: string;
  unit?: string;
  sum?: { isMonotonic?: boolean };
  gauge?: object;
  histogram?: object;
  exponentialHistogram?: object;
}

function typeOf(metric: OtlpMetric): MetricType | undefined {
  if (metric.sum) return metric.sum.isMonotonic ? 'counter' : 'updowncounter';
  if (metric.gauge) return 'gauge';
  if (metric.histogram) return 'histogram';
  if (metric.exponentialHistogram) return 'exponential-histogram';
  return undefined;
}

/** One log record of one export: what a log store (Loki) keeps to link a line to its trace. */
export interface ReceivedLogRecord {
  service: string;
  severityText: string;
  body: string;
  /** Hex, as the JSON encoding carries them; empty for a line written outside any span. */
  traceId: string;
  spanId: string;
}

export interface OtlpReceiver {
  /** `OTEL_EXPORTER_OTLP_ENDPOINT` for the apps (with `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`). */
  endpoint: string;
  spans: ReceivedSpan[];
  metrics: ReceivedMetric[];
  logs: ReceivedLogRecord[];
  stop(): Promise<void>;
}

interface LogsRequest {
  resourceLogs?: {
    resource?: OtlpResource;
    scopeLogs?: {
      logRecords?: {
        severityText?: string;
        body?: { stringValue?: string };
        traceId?: string;
        spanId?: string;
      }[];
    }[];
  }[];
}

interface MetricsRequest {
  resourceMetrics?: {
    resource?: OtlpResource;
    scopeMetrics?: { metrics?: OtlpMetric[] }[];
  }[];
}

async function readJson<T>(request: IncomingMessage): Promise<T> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
}

/**
 * An OTLP/HTTP receiver for tests (JSON encoding): what a collector would get from the apps, kept in
 * memory so a test can assert the shape of a trace.
 */
export function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const metrics: ReceivedMetric[] = [];
  const logs: ReceivedLogRecord[] = [];
  const server = createServer((request, response) => {
    readJson<OtlpTracesRequest & MetricsRequest & LogsRequest>(request)
      .then((body) => {
        if (request.url === '/v1/traces') {
          spans.push(...spansOf(body));
        } else if (request.url === '/v1/metrics') {
          for (const resourceMetrics of body.resourceMetrics ?? []) {
            const service = serviceOf(resourceMetrics.resource);
            for (const metric of (resourceMetrics.scopeMetrics ?? []).flatMap(
              (scope) => scope.metrics ?? [],
            )) {
              metrics.push({ service, name: metric.name, type: typeOf(metric), unit: metric.unit ?? '' });
            }
          }
        } else if (request.url === '/v1/logs') {
          for (const resourceLogs of body.resourceLogs ?? []) {
            const service = serviceOf(resourceLogs.resource);
            for (const record of (resourceLogs.scopeLogs ?? []).flatMap((scope) => scope.logRecords ?? [])) {
              logs.push({
                service,
                severityText: record.severityText ?? '',
                body: record.body?.stringValue ?? '',
                traceId: record.traceId ?? '',
                spanId: record.spanId ?? '',
              });
            }
          }
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      })
      .catch(() => response.writeHead(400).end());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        endpoint: `http://127.0.0.1:${port}`,
        spans,
        metrics,
        logs,
        stop: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
