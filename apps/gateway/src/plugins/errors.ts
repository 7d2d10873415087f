/**
 * The one place where anything thrown while handling a request becomes an HTTP answer in the one error
 * shape: schema validation failures, Fastify's own request errors (malformed JSON, too large, wrong
 * media type), AppErrors from the gateway and from downstream calls, and bugs.
 */
import { errorCodeToHttpStatus, isAppError, toPublicError, type ErrorDetail } from '@shop/errors';
import { activeTraceId } from '@shop/telemetry';
import type { FastifyInstance } from 'fastify';
import type { ErrorResponse, PublicErrorCode } from '../schemas/errors';
import { drainRequest } from './drain-request';
import { validationDetails, type RequestPart } from './validation-details';

export interface ErrorReply {
  status: number;
  body: ErrorResponse;
  /** How loudly to log it: client mistakes are routine, a downstream outage is worth a warning, bugs an error. */
  level: 'debug' | 'warn' | 'error';
}

export function errorBody(
  code: PublicErrorCode,
  message: string,
  details?: readonly ErrorDetail[],
): ErrorResponse {
  const traceId = activeTraceId();
  return {
    error: { code, message, ...(details && details.length > 0 ? { details: [...details] } : {}) },
    // The trace of a failed request is where its cause is recorded; the client gets the key to it.
    ...(traceId && { traceId }),
  };
}

// Downstream messages for these name internal addresses ("connect ECONNREFUSED 10.0.3.7:50051"): logged, not shown.
const OUTAGE_MESSAGES: Partial<Record<PublicErrorCode, string>> = {
  UNAVAILABLE: 'A service this request needs is unavailable; try again later',
  DEADLINE_EXCEEDED: 'A service this request needs did not answer in time; try again later',
};

interface FrameworkError {
  code?: unknown;
  statusCode?: unknown;
  validation?: unknown;
  validationContext?: unknown;
}

const asFrameworkError = (error: unknown): FrameworkError =>
  typeof error === 'object' && error !== null ? error : {};

// Fastify's request errors carry a status and a message written for clients; these codes name them.
const FRAMEWORK_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The body is empty; send a JSON object',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The body is too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'The body must be application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The body size does not match Content-Length',
};

function codeForStatus(status: number): PublicErrorCode {
  switch (status) {
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    default:
      return 'INVALID_ARGUMENT';
  }
}

export function toErrorReply(error: unknown): ErrorReply {
  const framework = asFrameworkError(error);

  if (Array.isArray(framework.validation)) {
    const part = (framework.validationContext ?? 'body') as RequestPart;
    return {
      status: 400,
      body: errorBody(
        'INVALID_ARGUMENT',
        'The request is not valid',
        validationDetails(part, framework.validation),
      ),
      level: 'debug',
    };
  }

  if (!isAppError(error) && typeof framework.statusCode === 'number') {
    const status = framework.statusCode;
    if (status >= 400 && status < 500) {
      const known = typeof framework.code === 'string' ? FRAMEWORK_MESSAGES[framework.code] : undefined;
      return {
        status,
        body: errorBody(codeForStatus(status), known ?? 'The request could not be read'),
        level: 'debug',
      };
    }
  }

  const shown = toPublicError(error);
  const status = errorCodeToHttpStatus(shown.code);
  // Only answers from downstream calls carry a cause (the gRPC error); the gateway's own say what they mean.
  const outage = shown.cause === undefined ? undefined : OUTAGE_MESSAGES[shown.code];
  return {
    status,
    body: errorBody(shown.code, outage ?? shown.message, outage ? [] : shown.details),
    // A bug is an error; a dependency that is away (503) is expected now and then.
    level: shown.code === 'INTERNAL' ? 'error' : status >= 500 ? 'warn' : 'debug',
  };
}

// What the gateway reads and discards of a refused body, at most: a few large uploads, not a stream.
const TOO_LARGE_DRAIN = { maxBytes: 16 * 1024 * 1024, timeoutMs: 5_000 };

/** Installs the error and not-found handlers on the root instance, so they apply to every route. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error, request, reply) => {
    const { status, body, level } = toErrorReply(error);
    request.log[level]({ err: error, status }, level === 'error' ? 'request failed' : 'request refused');
    // RFC 9110: a 401 says which scheme would be accepted.
    if (status === 401) void reply.header('WWW-Authenticate', 'Bearer');
    // The client of a body too large is still sending it: let it finish, so that it reads the 413.
    if (status === 413) await drainRequest(request.raw, TOO_LARGE_DRAIN);
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type('application/json; charset=utf-8')
      .send(errorBody('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );
}
