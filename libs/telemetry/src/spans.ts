import { SpanKind, SpanStatusCode, context, trace, type Attributes, type Span } from '@opentelemetry/api';

const tracer = () => trace.getTracer('shop');

/**
 * Business attributes (`app.order.id`, `app.payment.outcome`, ...) on the span of the operation in
 * hand: a gRPC call, or the processing of a Kafka message. Does nothing when telemetry is off.
 */
export function annotateActiveSpan(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

/**
 * Runs `work` in a span of its own (a step worth seeing in a trace). A throw marks the span as an
 * error and is rethrown.
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return runInSpan(SpanKind.INTERNAL, name, attributes, work);
}

/**
 * Runs `work` in a CLIENT span: a call to a system outside the shop (the mail server, the card network),
 * so that trace backends draw it as a remote call and count it as one (Jaeger's dependency graph and
 * Monitor tab). Name it `<peer> <operation>` and give it `server.address`/`server.port` or `peer.service`.
 */
export function inClientSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return runInSpan(SpanKind.CLIENT, name, attributes, work);
}

async function runInSpan<T>(
  kind: SpanKind,
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes }, context.active(), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The trace id of the operation in hand, for responses and error bodies; undefined when not traced. */
export function activeTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/**
 * W3C Trace Context Level 2 `traceresponse` for the operation in hand (`00-<trace>-<span>-<flags>`),
 * so a client can find the trace of its request; undefined when not traced.
 */
export function traceResponse(): { traceId: string; header: string } | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return undefined;
  const flags = spanContext.traceFlags.toString(16).padStart(2, '0');
  return { traceId: spanContext.traceId, header: `00-${spanContext.traceId}-${spanContext.spanId}-${flags}` };
}
