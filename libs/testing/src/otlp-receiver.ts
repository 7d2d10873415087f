import { createServer, type IncomingMessage } from 'node:http';

/** A span as an OTLP/JSON export carries it, flattened with its service's name. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  service: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, string | number | boolean>;
  status: { code: number; message?: string };
  links: { traceId: string; spanId: string }[];
}

export interface ReceivedMetric {
  service: string;
  name: string;
}

export interface OtlpReceiver {
  /** `OTEL_EXPORTER_OTLP_ENDPOINT` for the apps (with `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`). */
  endpoint: string;
  spans: ReceivedSpan[];
  metrics: ReceivedMetric[];
  stop(): Promise<void>;
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: KeyValue[];
  status?: { code?: number; message?: string };
  links?: { traceId: string; spanId: string }[];
}
interface Resource {
  attributes?: KeyValue[];
}
interface TracesRequest {
  resourceSpans?: { resource?: Resource; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}
interface MetricsRequest {
  resourceMetrics?: { resource?: Resource; scopeMetrics?: { metrics?: { name: string }[] }[] }[];
}

const valueOf = (value: AnyValue): string | number | boolean =>
  value.stringValue ??
  (value.intValue !== undefined ? Number(value.intValue) : (value.doubleValue ?? value.boolValue ?? ''));

const attributesOf = (attributes: KeyValue[] = []): Record<string, string | number | boolean> =>
  Object.fromEntries(attributes.map(({ key, value }) => [key, valueOf(value)]));

const serviceOf = (resource: Resource | undefined): string =>
  String(attributesOf(resource?.attributes)['service.name'] ?? '');

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
  const server = createServer((request, response) => {
    readJson<TracesRequest & MetricsRequest>(request)
      .then((body) => {
        if (request.url === '/v1/traces') {
          for (const resourceSpans of body.resourceSpans ?? []) {
            const service = serviceOf(resourceSpans.resource);
            for (const span of (resourceSpans.scopeSpans ?? []).flatMap((scope) => scope.spans ?? [])) {
              spans.push({
                traceId: span.traceId,
                spanId: span.spanId,
                parentSpanId: span.parentSpanId || undefined,
                name: span.name,
                kind: span.kind,
                service,
                startTimeUnixNano: span.startTimeUnixNano,
                endTimeUnixNano: span.endTimeUnixNano,
                attributes: attributesOf(span.attributes),
                status: {
                  code: span.status?.code ?? 0,
                  ...(span.status?.message && { message: span.status.message }),
                },
                links: span.links ?? [],
              });
            }
          }
        } else if (request.url === '/v1/metrics') {
          for (const resourceMetrics of body.resourceMetrics ?? []) {
            const service = serviceOf(resourceMetrics.resource);
            for (const metric of (resourceMetrics.scopeMetrics ?? []).flatMap(
              (scope) => scope.metrics ?? [],
            )) {
              metrics.push({ service, name: metric.name });
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
        stop: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
