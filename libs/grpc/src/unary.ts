import { status, type handleUnaryCall, type ServerUnaryCall, type StatusObject } from '@grpc/grpc-js';
import { errorCodeToGrpcStatus, toPublicError } from '@shop/errors';
import type { Logger } from '@shop/logger';
import { statusDetailsMetadata } from './error-details';
import { recordServerCall } from './rpc-metrics';

/** A unary handler as the domain would like to write it: the request in, the response out, errors thrown. */
export type UnaryHandler<Request, Response> = (
  request: Request,
  call: ServerUnaryCall<Request, Response>,
) => Promise<Response>;

/**
 * Adapts an async handler to grpc-js's callback style, which is what ts-proto's `XxxServiceServer`
 * interfaces expect. A thrown operational AppError is answered with its mapped status, its message, and
 * its code and details in the standard `grpc-status-details-bin` trailer (see error-details.ts). Anything else is a bug: the
 * client gets INTERNAL with a generic message, and the error with its stack goes to the log only.
 */
export function unary<Request, Response>(
  handler: UnaryHandler<Request, Response>,
  logger: Logger,
): handleUnaryCall<Request, Response> {
  return (call, callback) => {
    const startedAt = process.hrtime.bigint();
    // Wrapping in a promise turns a handler that throws before its first await into a rejection too.
    new Promise<Response>((resolve) => resolve(handler(call.request, call))).then(
      (response) => {
        recordServerCall(call.getPath(), status.OK, startedAt);
        callback(null, response);
      },
      (error: unknown) => {
        const answer = toStatus(error, call, logger);
        recordServerCall(call.getPath(), answer.code ?? status.UNKNOWN, startedAt);
        callback(answer);
      },
    );
  };
}

function toStatus(
  error: unknown,
  call: ServerUnaryCall<unknown, unknown>,
  logger: Logger,
): Partial<StatusObject> {
  const shown = toPublicError(error);
  if (shown !== error) {
    // A bug is an error; a dependency that is away is expected now and then, and the probe reports it.
    const level = shown.code === 'INTERNAL' ? 'error' : 'warn';
    logger[level]({ err: error, method: call.getPath() }, 'gRPC handler failed');
  }
  const code = errorCodeToGrpcStatus(shown.code);
  return { code, details: shown.message, metadata: statusDetailsMetadata(shown, code) };
}
