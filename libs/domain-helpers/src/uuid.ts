import type { ErrorDetail } from '@shop/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in its canonical text form, in either case (any version: ids come from several sources). */
export const isUuid = (value: string): boolean => UUID.test(value);

/** The detail an INVALID_ARGUMENT names for `field` when `value` is not a UUID. */
export function uuidProblem(field: string, value: string): ErrorDetail | undefined {
  return isUuid(value) ? undefined : { field, message: 'must be a UUID' };
}
