import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ErrorCode } from './app-error';

/** The one mapping between error codes and gRPC status codes, used by servers and clients alike. */
const toGrpc: Record<ErrorCode, GrpcStatus> = {
  INVALID_ARGUMENT: GrpcStatus.INVALID_ARGUMENT,
  UNAUTHENTICATED: GrpcStatus.UNAUTHENTICATED,
  PERMISSION_DENIED: GrpcStatus.PERMISSION_DENIED,
  NOT_FOUND: GrpcStatus.NOT_FOUND,
  ALREADY_EXISTS: GrpcStatus.ALREADY_EXISTS,
  FAILED_PRECONDITION: GrpcStatus.FAILED_PRECONDITION,
  // gRPC has no status of its own for it; the exact code travels in the status details (ErrorInfo.reason).
  IDEMPOTENCY_KEY_REUSED: GrpcStatus.FAILED_PRECONDITION,
  // A client's test-and-set that failed: gRPC's status for "retry at a higher level" (re-read, then resend).
  PRICE_CHANGED: GrpcStatus.ABORTED,
  RESOURCE_EXHAUSTED: GrpcStatus.RESOURCE_EXHAUSTED,
  DEADLINE_EXCEEDED: GrpcStatus.DEADLINE_EXCEEDED,
  UNAVAILABLE: GrpcStatus.UNAVAILABLE,
  INTERNAL: GrpcStatus.INTERNAL,
};

// Codes that share a status with a more general one are told apart by the status details only.
const REFINEMENTS: readonly ErrorCode[] = ['IDEMPOTENCY_KEY_REUSED'];

const fromGrpc = new Map<GrpcStatus, ErrorCode>(
  (Object.entries(toGrpc) as [ErrorCode, GrpcStatus][])
    .filter(([code]) => !REFINEMENTS.includes(code))
    .map(([code, status]) => [status, code]),
);

export function errorCodeToGrpcStatus(code: ErrorCode): GrpcStatus {
  return toGrpc[code];
}

/**
 * Statuses without a code of their own (UNKNOWN, DATA_LOSS, CANCELLED, ...) read as INTERNAL; a status
 * shared by several codes reads as the general one (FAILED_PRECONDITION).
 */
export function grpcStatusToErrorCode(status: GrpcStatus): ErrorCode {
  return fromGrpc.get(status) ?? 'INTERNAL';
}
