import { setTimeout as sleep } from 'node:timers/promises';
import { isDependencyUnavailable } from '@shop/errors';
import type { Logger } from '@shop/logger';

export interface DependencyWatchOptions {
  /** Names the dependency in the log lines: `database`. */
  name: string;
  /** Resolves when the dependency answers; rejects (or hangs past `timeoutMs`) when it does not. */
  check: () => Promise<unknown>;
  /** Told on every change, and once with the first answer. */
  onChange: (available: boolean) => void;
  logger: Logger;
  intervalMs?: number;
  timeoutMs?: number;
}

export interface DependencyWatch {
  /** The last answer: true until a check has failed. */
  available(): boolean;
  stop(): void;
}

/**
 * Asks a dependency at an interval whether it answers, and reports each change once, so an app can
 * say it is not ready (gRPC health NOT_SERVING) while its database is away, and ready again as soon as
 * it is back, without a restart. The checks never overlap, and one that hangs counts as a failure.
 */
export function watchDependency(options: DependencyWatchOptions): DependencyWatch {
  const intervalMs = options.intervalMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 2_000;
  let available = true;
  let reported: boolean | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let downSince = 0;

  const answered = async (): Promise<unknown> => {
    let deadline: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      deadline = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([options.check(), timeout]);
      return undefined;
    } catch (error) {
      return error ?? new Error('check failed');
    } finally {
      clearTimeout(deadline);
    }
  };

  const tick = async () => {
    const failure = await answered();
    if (stopped) return;
    available = failure === undefined;
    if (available !== reported) {
      if (available && reported === false) {
        options.logger.info(
          { dependency: options.name, downForMs: Date.now() - downSince },
          `${options.name} is back: ready again`,
        );
      } else if (!available) {
        downSince = Date.now();
        options.logger.warn(
          { dependency: options.name, err: failure },
          `${options.name} unavailable: not ready`,
        );
      }
      reported = available;
      options.onChange(available);
    }
    timer = setTimeout(() => void tick(), intervalMs);
    timer.unref();
  };
  void tick();

  return {
    available: () => available,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/**
 * Runs `work` until it does not fail for want of `name`, backing off up to 5 s between tries: for the
 * steps of a start-up that need a dependency that may not be up yet. Other failures are thrown. Resolves
 * early, without the work done, once `stopped` is aborted (the app is asked to stop while it waits).
 */
export async function untilAvailable(
  work: () => Promise<unknown>,
  name: string,
  logger: Logger,
  stopped?: AbortSignal,
): Promise<void> {
  for (let attempt = 1; !stopped?.aborted; attempt++) {
    try {
      await work();
      return;
    } catch (error) {
      if (!isDependencyUnavailable(error)) throw error;
      const delayMs = Math.min(250 * 2 ** (attempt - 1), 5_000);
      logger.warn({ err: error, attempt, delayMs }, `${name} unavailable at start-up; retrying`);
      await sleep(delayMs, undefined, stopped ? { signal: stopped } : {}).catch(() => undefined);
    }
  }
}
