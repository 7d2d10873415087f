import { AppError } from '@shop/errors';

/**
 * A downstream answer that breaks its contract (a missing message, an unspecified enum) is a bug on
 * one side or the other: the client gets a generic 500 and the log says what was missing.
 */
export function contractViolation(what: string): AppError {
  return new AppError('INTERNAL', `Downstream answer without ${what}`, { operational: false });
}

export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw contractViolation(what);
  return value;
}
