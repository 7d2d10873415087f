import { AsyncLocalStorage } from 'node:async_hooks';
import type { VerifiedUser } from './verifier';

// The user a gRPC call acts for, for the adapters that call further services on that user's behalf.
// The entry point sets it, so that the domain between them never handles tokens.
const scope = new AsyncLocalStorage<VerifiedUser>();

/** Runs `work` (and everything it awaits) on behalf of `user`. */
export function actingAs<T>(user: VerifiedUser, work: () => T): T {
  return scope.run(user, work);
}

/** The user the current call acts for; undefined outside a call (a Kafka consumer, a timer). */
export function actingUser(): VerifiedUser | undefined {
  return scope.getStore();
}
