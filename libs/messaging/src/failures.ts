import { isAppError, isDependencyUnavailable } from '@shop/errors';
import type { FailureKind } from '@shop/kafka';

// Two transactions that collided: running the same work again succeeds.
const CONFLICT_SQLSTATE = new Set(['40001', '40P01']);

/** The messaging lib's view of a failure, for the consumer's retry and dead-letter decisions. */
export function classifyFailure(error: unknown): FailureKind {
  // The database or a peer is away: the message is not at fault, so it waits rather than dead-letters.
  if (isDependencyUnavailable(error)) return 'transient';
  if (isAppError(error)) {
    if (error.code === 'DEADLINE_EXCEEDED') return 'transient';
    if (error.code === 'INVALID_ARGUMENT') return 'permanent';
    return 'unknown';
  }
  if (error instanceof PoisonMessageError) return 'permanent';
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    if (CONFLICT_SQLSTATE.has(error.code)) return 'transient';
  }
  return 'unknown';
}

/** A message that can never be handled (it does not decode): dead-lettered at once. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}
