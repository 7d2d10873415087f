import {
  Metadata,
  status,
  type CallOptions,
  type ClientUnaryCall,
  type Deadline,
  type ServiceError,
} from '@grpc/grpc-js';
import { AppError, errorCodeToGrpcStatus, grpcStatusToErrorCode } from '@shop/errors';
import { statusDetailsFromMetadata } from './error-details';

/** The full-argument form of a unary method on a ts-proto client (its last overload). */
export type UnaryMethod<Request, Response> = (
  request: Request,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Response) => void,
) => ClientUnaryCall;

export interface UnaryCallOptions {
  metadata?: Metadata;
  /** Overrides the client's default deadline for this call. */
  deadline?: Deadline;
}

/**
 * Calls a unary method and resolves with its response: `await call(client.getOrder.bind(client), req)`.
 * A failure rejects with an AppError (see `toAppError`), so callers handle one error type whether the
 * problem was local or upstream.
 */
export function call<Request, Response>(
  method: UnaryMethod<Request, Response>,
  request: Request,
  options: UnaryCallOptions = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const callOptions: Partial<CallOptions> =
      options.deadline === undefined ? {} : { deadline: options.deadline };
    method(request, options.metadata ?? new Metadata(), callOptions, (error, response) => {
      if (error) reject(toAppError(error));
      else resolve(response);
    });
  });
}

/**
 * The AppError for a failed call: the code mapped from the status (refined by the code the server put
 * in the status details, when that code has this status), the server's message and details for
 * operational codes (NOT_FOUND, UNAVAILABLE, DEADLINE_EXCEEDED, ...). INTERNAL and statuses without
 * a code of their own get a generic message and count as programmer errors, so they are not shown to
 * our own callers either; the original error stays as the cause for the log.
 *
 * CANCELLED is the exception: `call` never cancels, so a cancelled call was cut off by the server (a
 * shutdown past its grace period) or the connection. Like UNAVAILABLE, that is worth retrying elsewhere.
 */
export function toAppError(error: ServiceError): AppError {
  const mapped = error.code === status.CANCELLED ? 'UNAVAILABLE' : grpcStatusToErrorCode(error.code);
  if (mapped === 'INTERNAL') {
    return new AppError(mapped, 'Internal error in an upstream service', { cause: error });
  }
  const sent = statusDetailsFromMetadata(error.metadata);
  const code =
    sent.code !== undefined && errorCodeToGrpcStatus(sent.code) === error.code ? sent.code : mapped;
  return new AppError(code, error.details, { details: sent.details, cause: error });
}
