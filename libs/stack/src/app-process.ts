import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { holdLifeline, lifelineEnv } from './lifeline';

export interface AppProcessOptions {
  script: string;
  env: NodeJS.ProcessEnv;
  nodeArgs?: readonly string[];
  /** Lifelines of the infrastructure the app needs while it stops, held (never used) after its own. */
  holds?: readonly (Readable | Writable)[];
  /** Every line the process writes, stdout and stderr alike. */
  onLine(line: string): void;
}

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One run of an app: a supervised replica is a series of these, one after each crash. */
export interface AppProcess {
  pid: number | undefined;
  /** Resolves once the process is gone and everything it wrote has been read. */
  exited: Promise<AppExit>;
  kill(signal: NodeJS.Signals): void;
}

export function startAppProcess(options: AppProcessOptions): AppProcess {
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script], {
      env: { ...options.env, ...lifelineEnv },
      // The fourth: its lifeline (LIFELINE_FD). Then those it holds, but not one whose process has
      // ended since (its stream is destroyed, and could not be passed on).
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', ...(options.holds ?? []).filter((end) => !end.destroyed)],
      // A process group of its own, so a Ctrl-C in the terminal reaches only the launcher, which then
      // stops the apps in order (gateway first) before the broker they need to leave cleanly.
      detached: true,
    });
  } catch (error) {
    // Not thrown at whoever starts it (a restart's timer, say): a run that could not start, as a crash.
    options.onLine(`cannot start it: ${error instanceof Error ? error.message : String(error)}`);
    return { pid: undefined, exited: Promise.resolve({ code: null, signal: null }), kill: () => undefined };
  }
  holdLifeline(child);
  // A process that cannot be started at all still ends in 'close', as a crash.
  child.once('error', (error) => options.onLine(`cannot run it: ${error.message}`));
  for (const stream of [child.stdout, child.stderr]) {
    // Always there (piped above); the types cannot tell with four stdio entries.
    if (stream)
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => options.onLine(line));
  }
  // 'close' rather than 'exit': by then the last lines (a crash's stack trace) have been read.
  const exited = new Promise<AppExit>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    pid: child.pid,
    exited,
    kill: (signal) => void child.kill(signal),
  };
}

/** `exit code 1`, `signal SIGKILL`: how a process ended, for people. */
export function describeExit(exit: AppExit): string {
  if (exit.signal) return `signal ${exit.signal}`;
  return exit.code === null ? 'it could not start' : `exit code ${exit.code}`;
}
