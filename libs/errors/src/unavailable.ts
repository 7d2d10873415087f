/**
 * Whether a failure means "a dependency is away right now" rather than "this code or this input is
 * wrong". The gRPC edge answers such failures UNAVAILABLE (so the gateway answers 503, and careful
 * clients retry), and the consumers redeliver the message later instead of dead-lettering it. Both
 * edges must agree, hence one list. Postgres is every service's database, so its connection-level
 * SQLSTATEs belong here alongside the operating system's socket errors.
 */

// A socket to the dependency could not be opened, or broke.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// SQLSTATE classes 08 (connection exception) and 53 (insufficient resources: too many connections, disk
// full), and 57P01-57P03: the server is shutting down, was restarted (`terminating connection due to
// administrator command`) or is still starting up.
const UNAVAILABLE_SQLSTATE = /^(08...|53...|57P0[1-3])$/;

// node-postgres reports a connection lost mid-query, a pool connect timeout and a broken client in
// plain errors without a code.
const CONNECTION_LOST =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|Client was closed/i;

const MAX_CAUSES = 5;

function isUnavailableHere(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ('code' in error && typeof error.code === 'string') {
    if (error.code === 'UNAVAILABLE') return true;
    if (NETWORK_CODES.has(error.code) || UNAVAILABLE_SQLSTATE.test(error.code)) return true;
  }
  return error instanceof Error && CONNECTION_LOST.test(error.message);
}

/** True when `error`, or an error it was caused by, says a dependency cannot be reached right now. */
export function isDependencyUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSES && current !== undefined; depth++) {
    if (isUnavailableHere(current)) return true;
    current = current instanceof Error ? current.cause : undefined;
  }
  return false;
}
