import { isAppError } from '@shop/errors';
import type { FailureKind } from '@shop/kafka';

// Connection-level failures: the database or a peer is away, not the message at fault.
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const TRANSIENT_SQLSTATE = /^(08|53|57P0|40001|40P01)/;

/** The messaging lib's view of a failure, for the consumer's retry and dead-letter decisions. */
export function classifyFailure(error: unknown): FailureKind {
  if (isAppError(error)) {
    if (error.code === 'UNAVAILABLE' || error.code === 'DEADLINE_EXCEEDED') return 'transient';
    if (error.code === 'INVALID_ARGUMENT') return 'permanent';
    return 'unknown';
  }
  if (error instanceof PoisonMessageError) return 'permanent';
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    if (TRANSIENT_NODE_CODES.has(error.code) || TRANSIENT_SQLSTATE.test(error.code)) return 'transient';
  }
  if (
    error instanceof Error &&
    /timeout exceeded when trying to connect|Connection terminated/i.test(error.message)
  ) {
    return 'transient';
  }
  return 'unknown';
}

/** A message that can never be handled (it does not decode): dead-lettered at once. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}
