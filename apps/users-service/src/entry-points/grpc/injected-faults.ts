import { unavailable } from '@shop/errors';
import { markFault, type FaultFlags } from '@shop/fault-flags';
import type { UserUseCases } from '@shop/users-module';

/**
 * How long an evaluated share is used again. Evaluating a flag (OpenFeature and flagd's in-process
 * resolver) costs more CPU than the rest of a GetUser in this process besides the TLS and HTTP/2
 * work; the apps follow the flags file within a second anyway (it is polled every 250 ms), so a
 * tenth of a second more is not noticed, while a load of thousands of reads per second evaluates
 * it ten times a second.
 */
export const SHARE_MAX_AGE_MS = 100;

export interface InjectedFaultsOptions {
  faults: Pick<FaultFlags, 'usersGetUserUnavailableShare'>;
  /** The dice, replaceable so that a test picks which calls fail. */
  random?: () => number;
  /** The clock the share's age is read on (ms), replaceable so that a test ages it. */
  now?: () => number;
}

/**
 * `read`, evaluated again only once its last value is `maxAgeMs` old: a fresh value is answered
 * synchronously, and callers that arrive while an evaluation runs share it. A failed evaluation is
 * not kept: the next call tries again.
 */
export function recentValue<T>(
  read: () => Promise<T>,
  maxAgeMs: number,
  now: () => number,
): () => T | Promise<T> {
  let last: { value: T; at: number } | undefined;
  let pending: Promise<T> | undefined;
  return () => {
    if (last && now() - last.at < maxAgeMs) return last.value;
    pending ??= read().then(
      (value) => {
        last = { value, at: now() };
        pending = undefined;
        return value;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}

/**
 * The use cases as the gRPC edge serves them, with the faults injected on purpose (`npm run flags`):
 * `users-getuser-unavailable-share` fails that share of GetUser calls with UNAVAILABLE, as if the users
 * service were away, before the use case runs. The rules themselves stay untouched.
 */
export function withInjectedFaults(useCases: UserUseCases, options: InjectedFaultsOptions): UserUseCases {
  const random = options.random ?? Math.random;
  const unavailableShare = recentValue(
    () => options.faults.usersGetUserUnavailableShare(),
    SHARE_MAX_AGE_MS,
    options.now ?? performance.now.bind(performance),
  );
  return {
    ...useCases,
    async getUser(id) {
      const current = unavailableShare();
      // Awaiting only while an evaluation runs: a fresh share costs no extra turn of the event loop.
      const share = typeof current === 'number' ? current : await current;
      if (share > 0 && random() < share) {
        markFault('users-getuser-unavailable-share');
        // Thrown inside the GetUser span, which records it; the edge answers UNAVAILABLE.
        throw unavailable(
          'The users service is unavailable (injected fault users-getuser-unavailable-share)',
        );
      }
      return useCases.getUser(id);
    },
  };
}
