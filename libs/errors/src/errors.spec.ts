import { status } from '@grpc/grpc-js';
import {
  AppError,
  ERROR_CODES,
  errorCodeToGrpcStatus,
  errorCodeToHttpStatus,
  grpcStatusToErrorCode,
  invalidArgument,
  toPublicError,
} from './index';

describe('errors', () => {
  it('maps every code to a gRPC status and back to the same code', () => {
    for (const code of ERROR_CODES) {
      expect(grpcStatusToErrorCode(errorCodeToGrpcStatus(code))).toBe(code);
    }
  });

  it('reads gRPC statuses without a code of their own as INTERNAL', () => {
    expect(grpcStatusToErrorCode(status.UNKNOWN)).toBe('INTERNAL');
    expect(grpcStatusToErrorCode(status.DATA_LOSS)).toBe('INTERNAL');
  });

  it('answers bad input with 4xx and faults with 5xx', () => {
    expect(errorCodeToHttpStatus('INVALID_ARGUMENT')).toBe(400);
    expect(errorCodeToHttpStatus('UNAUTHENTICATED')).toBe(401);
    expect(errorCodeToHttpStatus('NOT_FOUND')).toBe(404);
    expect(errorCodeToHttpStatus('ALREADY_EXISTS')).toBe(409);
    expect(errorCodeToHttpStatus('UNAVAILABLE')).toBe(503);
    expect(errorCodeToHttpStatus('INTERNAL')).toBe(500);
  });

  it('shows operational errors to clients as they are', () => {
    const error = invalidArgument('email is not valid', [{ field: 'email', message: 'must be an email' }]);
    expect(toPublicError(error)).toBe(error);
  });

  it('hides programmer errors and unknown throws behind a generic INTERNAL error', () => {
    const bug = new TypeError('cannot read properties of undefined');
    const shown = toPublicError(bug);
    expect(shown.code).toBe('INTERNAL');
    expect(shown.message).toBe('Internal error');
    expect(shown.cause).toBe(bug);
    expect(toPublicError(new AppError('INTERNAL', 'pool exhausted')).message).toBe('Internal error');
  });
});
