import type { TraceSpan } from './trace-tree';

/*
 * The parts of an OTLP/JSON trace export (ExportTraceServiceRequest, the body of `POST /v1/traces` and
 * one line of the OpenTelemetry file exporter's format) that the shop reads. Ids are hex strings and
 * times nanosecond strings, as the OTLP/JSON encoding has them.
 */

export interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpKeyValue[];
  status?: { code?: number; message?: string };
  links?: { traceId: string; spanId: string }[];
}

export interface OtlpResource {
  attributes?: OtlpKeyValue[];
}

export interface OtlpScopeSpans {
  scope?: { name?: string; version?: string };
  spans?: OtlpSpan[];
}

export interface OtlpResourceSpans {
  resource?: OtlpResource;
  scopeSpans?: OtlpScopeSpans[];
}

export interface OtlpTracesRequest {
  resourceSpans?: OtlpResourceSpans[];
}

const valueOf = (value: OtlpAnyValue): string | number | boolean =>
  value.stringValue ??
  (value.intValue !== undefined ? Number(value.intValue) : (value.doubleValue ?? value.boolValue ?? ''));

/** OTLP attributes as a plain object; arrays and maps (unused by the shop) read as empty strings. */
export const attributesOf = (attributes: OtlpKeyValue[] = []): Record<string, string | number | boolean> =>
  Object.fromEntries(attributes.map(({ key, value }) => [key, valueOf(value)]));

/** The `service.name` of a resource; empty when it has none. */
export const serviceOf = (resource: OtlpResource | undefined): string =>
  String(attributesOf(resource?.attributes)['service.name'] ?? '');

/** Every span of an export, flattened with its service's name. */
export function spansOf(request: OtlpTracesRequest): TraceSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = serviceOf(resourceSpans.resource);
    return (resourceSpans.scopeSpans ?? [])
      .flatMap((scope) => scope.spans ?? [])
      .map((span) => ({
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
      }));
  });
}

/**
 * Splits an export by trace: each part is a valid export holding only that trace's spans, with their
 * resource and scope kept, so that it can be stored (or opened in Jaeger) on its own.
 */
export function splitByTrace(request: OtlpTracesRequest): Map<string, OtlpTracesRequest> {
  const parts = new Map<string, OtlpTracesRequest>();
  for (const resourceSpans of request.resourceSpans ?? []) {
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const byTrace = new Map<string, OtlpSpan[]>();
      for (const span of scopeSpans.spans ?? []) {
        if (!span.traceId) continue;
        byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
      }
      for (const [traceId, spans] of byTrace) {
        const part = parts.get(traceId) ?? { resourceSpans: [] };
        part.resourceSpans?.push({
          ...(resourceSpans.resource && { resource: resourceSpans.resource }),
          scopeSpans: [{ ...(scopeSpans.scope && { scope: scopeSpans.scope }), spans }],
        });
        parts.set(traceId, part);
      }
    }
  }
  return parts;
}
