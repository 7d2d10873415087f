/**
 * Reading what a user typed for a load test: the load generator's command line and the scripts that
 * drive it (benchmarks, the scaling experiment) take durations the same way.
 */

/** A mistake in what the user asked for: worth a one-line message and a pointer to --help, not a stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** "20s", "500ms", "2m", "1.5" (seconds) to milliseconds; `flag` names the option in the message. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} takes a duration like 20s, 500ms or 2m; got "${text}"`);
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const ms = unit === 'ms' ? value : unit === 's' ? value * 1000 : value * 60_000;
  if (!(ms > 0)) throw new UsageError(`${flag} must be more than zero; got "${text}"`);
  return ms;
}
