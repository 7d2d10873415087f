/**
 * When a crashed replica is started again: at once-ish, then less and less eagerly, and not at all once
 * it is plainly crash-looping (compose's `restart: unless-stopped` with a backoff, and a limit so a broken
 * build does not spin for ever and bury the logs that say why).
 */
export interface RestartPolicy {
  /** Wait before the first restart; each further one within the window waits twice as long. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Restarts allowed within `windowMs`; the crash after that many leaves the replica down. */
  maxRestarts: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  firstDelayMs: 500,
  maxDelayMs: 10_000,
  maxRestarts: 5,
  windowMs: 60_000,
};

export type RestartDecision =
  { restart: true; delayMs: number; recentCrashes: number } | { restart: false; recentCrashes: number };

/**
 * What to do after a crash, given the times of every crash so far (the latest included). Only the crashes
 * within the window count, for the backoff too: a replica that ran well for a while restarts quickly again.
 */
export function decideRestart(
  crashTimes: readonly number[],
  now: number,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
): RestartDecision {
  const recentCrashes = crashTimes.filter((at) => now - at < policy.windowMs).length;
  if (recentCrashes > policy.maxRestarts) return { restart: false, recentCrashes };
  const delayMs = Math.min(policy.firstDelayMs * 2 ** Math.max(recentCrashes - 1, 0), policy.maxDelayMs);
  return { restart: true, delayMs, recentCrashes };
}
