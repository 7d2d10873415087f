import { status } from '@grpc/grpc-js';
import {
  AppError,
  ERROR_CODES,
  errorCodeToGrpcStatus,
  errorCodeToHttpStatus,
  grpcStatusToErrorCode,
  invalidArgument,
  isDependencyUnavailable,
  toPublicError,
} from './index';

/** An error as node-postgres or Node's sockets throw it: a message and a string code. */
const coded = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('errors', () => {
  it('maps every code to a gRPC status and back to the same code, refinements to the general one', () => {
    for (const code of ERROR_CODES.filter((code) => code !== 'IDEMPOTENCY_KEY_REUSED')) {
      expect(grpcStatusToErrorCode(errorCodeToGrpcStatus(code))).toBe(code);
    }
    expect(grpcStatusToErrorCode(errorCodeToGrpcStatus('IDEMPOTENCY_KEY_REUSED'))).toBe(
      'FAILED_PRECONDITION',
    );
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
    expect(errorCodeToHttpStatus('PRICE_CHANGED')).toBe(409);
    expect(errorCodeToHttpStatus('IDEMPOTENCY_KEY_REUSED')).toBe(422);
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

  it('answers a dependency that is away as UNAVAILABLE, not as a bug', () => {
    const restarted = coded('terminating connection due to administrator command', '57P01');
    const shown = toPublicError(restarted);
    expect(shown.code).toBe('UNAVAILABLE');
    expect(shown.operational).toBe(true);
    expect(shown.cause).toBe(restarted);
    expect(shown.message).not.toMatch(/administrator/);
  });

  it.each([
    ['a refused connection', coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a server starting up', coded('the database system is starting up', '57P03')],
    ['a connection exception', coded('connection failure', '08006')],
    ['too many connections', coded('sorry, too many clients already', '53300')],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['a pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['a wrapped cause', new Error('saving the order failed', { cause: coded('reset', 'ECONNRESET') })],
  ])('recognises %s as a dependency that is unavailable', (_, error) => {
    expect(isDependencyUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', coded('duplicate key value', '23505')],
    ['a syntax error', coded('syntax error at or near "SELEC"', '42601')],
    ['a type error', new TypeError('cannot read properties of undefined')],
    ['a thrown string', 'ECONNREFUSED'],
  ])('does not take %s for an unavailable dependency', (_, error) => {
    expect(isDependencyUnavailable(error)).toBe(false);
  });
});
