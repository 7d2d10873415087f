/**
 * The one place where anything thrown while handling a request becomes an HTTP answer in the one error
 * shape, RFC 9457 problem details: schema validation failures, Fastify's own request errors (malformed
 * JSON, too large, wrong media type), AppErrors from the API and from the ports it calls, the gRPC
 * status errors of a port that calls a service, and bugs.
 */
import type { ServiceError } from '@grpc/grpc-js';
import { errorCodeToHttpStatus, isAppError, toPublicError, type ErrorDetail } from '@shop/errors';
import { toAppError } from '@shop/grpc';
import { activeTraceId } from '@shop/telemetry';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PROBLEM_MEDIA_TYPE, type Problem, type PublicErrorCode } from '../schemas/errors';
import { drainRequest } from './drain-request';
import { validationDetails, type RequestPart } from './validation-details';

export interface ErrorReply {
  status: number;
  body: Problem;
  /** How loudly to log it: client mistakes are routine, a downstream outage is worth a warning, bugs an error. */
  level: 'debug' | 'warn' | 'error';
}

/** RFC 9457 `title`: the same short summary for every occurrence of a code. */
const TITLES: Record<PublicErrorCode, string> = {
  INVALID_ARGUMENT: 'Invalid request',
  UNAUTHENTICATED: 'Authentication required',
  PERMISSION_DENIED: 'Permission denied',
  NOT_FOUND: 'Not found',
  ALREADY_EXISTS: 'Already exists',
  FAILED_PRECONDITION: 'Conflict with the current state',
  IDEMPOTENCY_KEY_REUSED: 'Idempotency-Key reused with another request',
  PRICE_CHANGED: 'Price changed',
  RESOURCE_EXHAUSTED: 'Too many requests',
  DEADLINE_EXCEEDED: 'Upstream timeout',
  UNAVAILABLE: 'Service unavailable',
  INTERNAL: 'Internal error',
  PAYLOAD_TOO_LARGE: 'Request body too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
};

/**
 * RFC 9457 `type`: one URI per code. A tag URI (RFC 4151) names the kind without promising a page to
 * fetch; the OpenAPI document describes each code.
 */
export const problemType = (code: PublicErrorCode): string =>
  `tag:shop.local,2026:problems/${code.toLowerCase().replace(/_/g, '-')}`;

/** Seconds a client is asked to wait after a 503: a restarting peer is usually back within that. */
export const RETRY_AFTER_UNAVAILABLE_SECONDS = 2;

export function problem(
  code: PublicErrorCode,
  detail: string,
  errors?: readonly ErrorDetail[],
  status: number = statusOf(code),
): Problem {
  const traceId = activeTraceId();
  return {
    type: problemType(code),
    title: TITLES[code],
    status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors: [...errors] } : {}),
    // The trace of a failed request is where its cause is recorded; the client gets the key to it.
    ...(traceId && { traceId }),
  };
}

function statusOf(code: PublicErrorCode): number {
  if (code === 'PAYLOAD_TOO_LARGE') return 413;
  if (code === 'UNSUPPORTED_MEDIA_TYPE') return 415;
  return errorCodeToHttpStatus(code);
}

/** Sends a problem with its status, media type and the headers its status calls for. */
export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  // RFC 9110: a 401 says which scheme would be accepted; a 503 when to come back.
  if (body.status === 401) void reply.header('WWW-Authenticate', 'Bearer');
  if (body.status === 503 && !reply.hasHeader('retry-after'))
    void reply.header('Retry-After', String(RETRY_AFTER_UNAVAILABLE_SECONDS));
  return reply.code(body.status).type(`${PROBLEM_MEDIA_TYPE}; charset=utf-8`).send(body);
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

/**
 * A failed gRPC call as grpc-js reports it: a numeric status, the server's message and its trailers.
 * (Node's own errors have string codes; Fastify's have no metadata.)
 */
function isGrpcStatusError(error: unknown): error is ServiceError {
  if (!(error instanceof Error) || isAppError(error)) return false;
  const fields = error as Partial<Record<'code' | 'details' | 'metadata', unknown>>;
  return (
    typeof fields.code === 'number' &&
    typeof fields.details === 'string' &&
    typeof fields.metadata === 'object' &&
    fields.metadata !== null
  );
}

export function toErrorReply(thrown: unknown): ErrorReply {
  // A port that passes a gRPC failure on as it came is answered as if it had read it with `call`.
  const error = isGrpcStatusError(thrown) ? toAppError(thrown) : thrown;
  const framework = asFrameworkError(error);

  if (Array.isArray(framework.validation)) {
    const part = (framework.validationContext ?? 'body') as RequestPart;
    return {
      status: 400,
      body: problem(
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
        body: problem(codeForStatus(status), known ?? 'The request could not be read', [], status),
        level: 'debug',
      };
    }
  }

  const shown = toPublicError(error);
  const status = errorCodeToHttpStatus(shown.code);
  // Only answers from dependencies carry a cause (the gRPC error, a driver's); the API's own say what they mean.
  const outage = shown.cause === undefined ? undefined : OUTAGE_MESSAGES[shown.code];
  return {
    status,
    body: problem(shown.code, outage ?? shown.message, outage ? [] : shown.details, status),
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
    // The client of a body too large is still sending it: let it finish, so that it reads the 413.
    if (status === 413) await drainRequest(request.raw, TOO_LARGE_DRAIN);
    return sendProblem(reply, body);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );
}
