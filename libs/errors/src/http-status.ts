import type { ErrorCode } from './app-error';

/** The one mapping from error codes to HTTP status codes, used by the gateway. */
const toHttp: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 409,
  // As the IETF Idempotency-Key draft (draft-ietf-httpapi-idempotency-key-header) answers it.
  IDEMPOTENCY_KEY_REUSED: 422,
  PRICE_CHANGED: 409,
  RESOURCE_EXHAUSTED: 429,
  DEADLINE_EXCEEDED: 504,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function errorCodeToHttpStatus(code: ErrorCode): number {
  return toHttp[code];
}
