/**
 * The intake for the storefront's traces: the browser posts OTLP/JSON to its own origin and the gateway
 * forwards the batch to the collector, so the collector is never exposed to the internet and the page
 * needs no CORS. Anyone can post here, so batches are small and each client address is rate-limited.
 * Only the body is forwarded: never the caller's Authorization header or cookies.
 */
import rateLimit from '@fastify/rate-limit';
import { AppError, invalidArgument, unavailable } from '@shop/errors';
import type { FastifyInstance } from 'fastify';
import type { ShopApiSettings } from '../settings';

export interface BrowserTelemetryOptions {
  /** The collector's OTLP/HTTP traces URL; none: batches are accepted and dropped. */
  tracesUrl: string | undefined;
  bodyLimitBytes: number;
  /** Batches per client address per minute. */
  perMinute: number;
  forwardTimeoutMs: number;
}

interface TracesRequest {
  resourceSpans: unknown[];
}

const isTracesRequest = (body: unknown): body is TracesRequest =>
  typeof body === 'object' && body !== null && Array.isArray((body as Partial<TracesRequest>).resourceSpans);

/** The collector's traces URL from the standard variables: the signal's own URL as is, else base + /v1/traces. */
export function otlpTracesUrl(env: { base?: string; traces?: string }): string | undefined {
  if (env.traces) return env.traces;
  if (env.base) return `${env.base.replace(/\/$/, '')}/v1/traces`;
  return undefined;
}

export const browserTelemetryOptions = (config: ShopApiSettings): BrowserTelemetryOptions => ({
  tracesUrl: otlpTracesUrl({
    base: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    traces: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
  }),
  bodyLimitBytes: config.BROWSER_TRACES_BODY_LIMIT_BYTES,
  perMinute: config.BROWSER_TRACES_PER_MINUTE,
  forwardTimeoutMs: config.BROWSER_TRACES_FORWARD_TIMEOUT_MS,
});

export async function browserTelemetryRoutes(
  app: FastifyInstance,
  options: BrowserTelemetryOptions,
): Promise<void> {
  // Registered in this scope only: the limit applies to the routes that opt in with `config.rateLimit`.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError(
        'RESOURCE_EXHAUSTED',
        `Too many telemetry batches from this address; try again in ${context.after}`,
      ),
  });

  app.post(
    '/otlp/v1/traces',
    {
      bodyLimit: options.bodyLimitBytes,
      schema: { hide: true },
      config: { rateLimit: { max: options.perMinute, timeWindow: 60_000 } },
    },
    async (request, reply) => {
      if (!isTracesRequest(request.body))
        throw invalidArgument('The body must be an OTLP/JSON traces request with `resourceSpans`');
      // Without a collector, telemetry is off: the browser is told all is well and the batch is dropped.
      if (!options.tracesUrl) return reply.code(204).send();
      let answer: Response;
      try {
        answer = await fetch(options.tracesUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request.body),
          signal: AbortSignal.timeout(options.forwardTimeoutMs),
        });
      } catch (error) {
        throw unavailable('The trace collector is unavailable; the batch was not kept', error);
      }
      // The body is read whole, so the connection goes back to the pool; it is not for the browser.
      await answer.arrayBuffer();
      if (answer.status >= 500 || answer.status === 429)
        throw unavailable(`The trace collector answered ${answer.status}; the batch was not kept`);
      if (!answer.ok) throw invalidArgument(`The trace collector refused the batch (${answer.status})`);
      return reply.code(204).send();
    },
  );
}
