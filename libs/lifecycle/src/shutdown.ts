import { writeLogsSynchronously, type Logger } from '@shop/logger';
import { flushTelemetry } from '@shop/telemetry';
import { surviveLostOutputReader, watchLifeline } from './lifeline';

export interface ShutdownOptions {
  logger: Logger;
  /** Stops the app: drain servers and consumers, close pools. */
  stop: () => Promise<void>;
  /** After this long the process exits even if `stop` has not finished. */
  timeoutMs: number;
  /** Injected by tests; the real process otherwise. */
  exit?: (code: number) => void;
  signals?: readonly NodeJS.Signals[];
  /**
   * `LIFELINE_FD`: a pipe from a supervising parent; when it closes the app stops as on SIGTERM. Unset
   * (compose, Kubernetes: the orchestrator signals), nothing is watched.
   */
  lifelineFd?: number | undefined;
}

/**
 * Wires SIGTERM/SIGINT (and the lifeline, when given) to a graceful stop, once, and makes the process
 * exit 0 when the stop succeeds (orchestrators read a non-zero exit after SIGTERM as a crash). A stop that
 * hangs is cut off so that a stuck dependency cannot keep a replica alive forever. Returns the function
 * that triggers the stop.
 */
export function handleShutdown(options: ShutdownOptions): (reason: string) => Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping: Promise<void> | undefined;

  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      // The last lines must be out before the exit, even if their reader has gone (see the function).
      const logsSynchronous = writeLogsSynchronously(options.logger);
      options.logger.info({ reason }, 'shutting down');
      const timer = setTimeout(() => {
        options.logger.error({ timeoutMs: options.timeoutMs }, 'shutdown timed out');
        exit(1);
      }, options.timeoutMs);
      timer.unref();
      let code = 0;
      try {
        await options.stop();
        options.logger.info('stopped');
        await flushTelemetry();
      } catch (error) {
        options.logger.error({ err: error }, 'shutdown failed');
        code = 1;
      }
      clearTimeout(timer);
      await logsSynchronous;
      exit(code);
    })();
    return stopping;
  };

  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => void shutdown(signal));
  }
  if (options.lifelineFd !== undefined)
    watchLifeline(options.lifelineFd, () => void shutdown('lifeline closed'));
  return shutdown;
}

/**
 * Runs an app's start-up and reports a failure readably before exiting 1: a composition root's last
 * line. A config error, say, prints its message rather than a stack trace of the loader.
 */
export function runMain(main: () => Promise<void>): void {
  // Logs are the only thing written there; losing their reader must not take the app down with it.
  surviveLostOutputReader();
  main().catch((error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${message}\n`);
    process.exit(1);
  });
}
