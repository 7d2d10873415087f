/**
 * Browser tracing: the page load, every fetch, and the clicks that matter, exported as OTLP/JSON to the
 * gateway (same origin), which forwards them to the collector. A click span is the root of its trace and
 * the fetches it starts are its children, so a checkout reads from the click on "Place order" to the mail.
 */
import { context, propagation, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { DocumentLoadInstrumentation } from '@opentelemetry/instrumentation-document-load';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  StackContextManager,
  TracerProvider,
  type Span as SdkSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';

const EXPORT_PATH = '/otlp/v1/traces';
const URL_ATTRIBUTES = ['url.full', 'http.url'] as const;

/** A URL without its query and fragment: paths here never carry tokens or personal data, queries might. */
function withoutQuery(value: string): string {
  try {
    const url = new URL(value, location.origin);
    return `${url.origin}${url.pathname}`;
  } catch {
    return value.split(/[?#]/)[0] ?? '';
  }
}

/** Rewrites URL attributes just before a span ends, whichever instrumentation set them and when. */
const stripQueries: SpanProcessor = {
  onStart: () => undefined,
  onEnding(span: SdkSpan) {
    for (const key of URL_ATTRIBUTES) {
      const value = span.attributes[key];
      if (typeof value === 'string') span.setAttribute(key, withoutQuery(value));
    }
  },
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

const provider = new TracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'storefront' }),
  spanProcessors: [
    stripQueries,
    // Sent every half second, and at once when the tab is hidden or closed (the browser processor does).
    new BatchSpanProcessor({
      exporter: new OTLPTraceExporter({ url: EXPORT_PATH }),
      scheduledDelayMillis: 500,
    }),
  ],
});

let started = false;

/** Registers the tracer, the W3C propagator and the instrumentations; once, before the first render. */
export function startTelemetry(): void {
  if (started) return;
  started = true;
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new StackContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  // Instrumentations enable themselves on construction, with the global provider set above.
  new DocumentLoadInstrumentation();
  // The exporter's own requests are not traced (each would make another span to export).
  new FetchInstrumentation({ ignoreUrls: [new RegExp(`${EXPORT_PATH}$`)] });
}

const tracer = trace.getTracer('storefront');

/**
 * Runs `action` inside a new root span for a click on `target` (named like the user-interaction
 * instrumentation names its spans): the fetches `action` starts synchronously become its children. The
 * span ends when the action settles.
 */
export async function traceClick<T>(
  target: HTMLElement,
  label: string,
  action: () => Promise<T>,
): Promise<T> {
  const span: Span = tracer.startSpan('click', {
    root: true,
    attributes: {
      event_type: 'click',
      target_element: target.tagName,
      'app.ui.action': label,
    },
  });
  try {
    return await context.with(trace.setSpan(context.active(), span), action);
  } catch (error) {
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
    throw error;
  } finally {
    span.end();
  }
}
