import { isDependencyUnavailable } from './unavailable';

/**
 * The one error type the domain throws. Its code is stable and transport-neutral: the gRPC and HTTP
 * edges translate it (see grpc-status.ts and http-status.ts), so the domain never knows about either.
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'FAILED_PRECONDITION',
  // An Idempotency-Key sent again with another request: a client bug, never fixed by retrying.
  'IDEMPOTENCY_KEY_REUSED',
  // A price the client expected is no longer the current one: it should read the price again and resend.
  'PRICE_CHANGED',
  'RESOURCE_EXHAUSTED',
  'DEADLINE_EXCEEDED',
  'UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorDetail {
  /** The input field the detail is about, as a JSON path (`items[0].quantity`) when it applies. */
  field?: string;
  message: string;
}

export interface AppErrorOptions {
  details?: readonly ErrorDetail[];
  cause?: unknown;
  /**
   * Operational errors are expected outcomes (bad input, a missing row, a peer that is down): they are
   * answered as they are. Programmer errors are bugs: the client gets a generic message.
   */
  operational?: boolean;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly details: readonly ErrorDetail[];
  readonly operational: boolean;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? [];
    this.operational = options.operational ?? code !== 'INTERNAL';
  }
}

export const invalidArgument = (message: string, details?: readonly ErrorDetail[]): AppError =>
  new AppError('INVALID_ARGUMENT', message, details ? { details } : {});
export const notFound = (message: string): AppError => new AppError('NOT_FOUND', message);
export const alreadyExists = (message: string): AppError => new AppError('ALREADY_EXISTS', message);
export const failedPrecondition = (message: string): AppError => new AppError('FAILED_PRECONDITION', message);
export const unauthenticated = (message: string): AppError => new AppError('UNAUTHENTICATED', message);
export const unavailable = (message: string, cause?: unknown): AppError =>
  new AppError('UNAVAILABLE', message, { cause });

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

export function isErrorCode(value: string): value is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * What a client may see of any thrown value: operational errors as they are; a dependency that is away
 * (a database restart, a peer that is down) as UNAVAILABLE, which clients may retry; anything else,
 * a bug, as a generic INTERNAL.
 */
export function toPublicError(error: unknown): AppError {
  if (isAppError(error) && error.operational) return error;
  if (isDependencyUnavailable(error)) {
    return unavailable('A dependency of this service is unavailable; try again shortly', error);
  }
  return new AppError('INTERNAL', 'Internal error', { cause: error, operational: false });
}
