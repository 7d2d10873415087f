import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { StackApp } from './apps';
import { describeExit, startAppProcess, type AppExit, type AppProcess } from './app-process';
import { decideRestart, DEFAULT_RESTART_POLICY, type RestartPolicy } from './restart-policy';

export interface ReplicaCrash extends AppExit {
  at: Date;
}

/**
 * `starting` until the stack saw it serve; `running` (again, after a restart); `restarting` while it
 * waits out the backoff; `down` after a failed start or a crash loop; `stopped` once stopped.
 */
export type ReplicaState = 'starting' | 'running' | 'restarting' | 'down' | 'stopping' | 'stopped';

/** One replica of an app, kept running: restarted with a backoff when it exits unless it was stopped. */
export interface AppReplica {
  /** `orders-service#2`: how logs and messages name it. */
  label: string;
  app: StackApp;
  /** Its port, the same for every restart (as are its environment and log file). */
  port: number;
  /** The current run's pid; undefined while it waits to restart, is down or stopped. */
  pid(): number | undefined;
  /** Every unexpected exit so far. */
  readonly crashes: readonly ReplicaCrash[];
  logFile: string;
  /** The last lines it wrote, over restarts, for error messages. */
  tail(): string;
  state(): ReplicaState;
  /**
   * Resolves if the first run exits before `serving()` is called: a failed start, reported rather than
   * retried, because a bad config or a failing migration fails again the same way.
   */
  readonly exitedAtStartUp: Promise<ReplicaCrash>;
  /** It served once: from now on an unexpected exit is restarted. */
  serving(): void;
  /**
   * SIGTERM, then SIGKILL if it has not exited after `graceMs`; no restart after. Resolves with the
   * exit code of its last run (0: a graceful stop; null: killed by a signal). Safe to call again.
   */
  stop(graceMs: number): Promise<number | null>;
}

export interface SuperviseOptions {
  label: string;
  app: StackApp;
  port: number;
  script: string;
  nodeArgs?: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Lifelines of the infrastructure it needs while it stops (see lifeline.ts). */
  holds?: readonly (Readable | Writable)[];
  logDir: string;
  /** Also echo each log line, prefixed with the label, to this stream. */
  echo?: NodeJS.WritableStream;
  /** Where restarts and give-ups are told; standard error by default. */
  notices?: NodeJS.WritableStream;
  policy?: RestartPolicy;
  /** Asked before a restart: false while the whole stack stops, so nothing comes back mid-stop. */
  mayRestart?: () => boolean;
  /** After a crash, a restart (the new run's pid in place) or when it is left down. */
  onChange?: (replica: AppReplica) => void;
}

const TAIL_LINES = 40;

const exitCode = (exit: AppExit): number | null => exit.code ?? (exit.signal ? null : 0);

const windowName = (ms: number) => (ms === 60_000 ? 'the last minute' : `the last ${ms / 1000} s`);

export function supervise(options: SuperviseOptions): AppReplica {
  mkdirSync(options.logDir, { recursive: true });
  const logFile = join(options.logDir, `${options.label.replace('#', '-')}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const notices = options.notices ?? process.stderr;
  const policy = options.policy ?? DEFAULT_RESTART_POLICY;
  const recent: string[] = [];
  const crashes: ReplicaCrash[] = [];
  let state: ReplicaState = 'starting';
  let current: AppProcess | undefined;
  let lastExit: AppExit | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let stopped: Promise<number | null> | undefined;
  let startFailed: (crash: ReplicaCrash) => void = () => undefined;
  const exitedAtStartUp = new Promise<ReplicaCrash>((resolve) => (startFailed = resolve));

  const onLine = (line: string) => {
    log.write(`${line}\n`);
    recent.push(line);
    if (recent.length > TAIL_LINES) recent.shift();
    options.echo?.write(`[${options.label}] ${line}\n`);
  };

  const tail = () => recent.join('\n');

  const run = () => {
    const incarnation = startAppProcess({
      script: options.script,
      env: options.env,
      onLine,
      ...(options.nodeArgs && { nodeArgs: options.nodeArgs }),
      ...(options.holds && { holds: options.holds }),
    });
    current = incarnation;
    void incarnation.exited.then((exit) => onExit(incarnation, exit));
  };

  const restartLater = (crash: ReplicaCrash) => {
    const decision = decideRestart(
      crashes.map((each) => each.at.getTime()),
      crash.at.getTime(),
      policy,
    );
    const n = decision.recentCrashes;
    const recently = `${n} ${n === 1 ? 'crash' : 'crashes'} in ${windowName(policy.windowMs)}`;
    if (!decision.restart) {
      state = 'down';
      notices.write(
        `${options.label} crashed ${n} times in ${windowName(policy.windowMs)} (last: ${describeExit(crash)}); ` +
          `not restarting it again: ` +
          `it stays down, the rest keep running. Its last lines (${logFile}):\n` +
          `${tail().replace(/^/gm, '    ')}\n`,
      );
      return;
    }
    state = 'restarting';
    notices.write(
      `${options.label} exited unexpectedly (${describeExit(crash)}); restarting it in ` +
        `${decision.delayMs / 1000} s: restart ${crashes.length}, ${recently}. Log: ${logFile}\n`,
    );
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      state = 'running';
      run();
      options.onChange?.(replica);
    }, decision.delayMs);
  };

  const onExit = (incarnation: AppProcess, exit: AppExit) => {
    lastExit = exit;
    if (current === incarnation) current = undefined;
    // An exit that stop() asked for is no crash; stop() awaits it.
    if (state === 'stopping' || state === 'stopped') return;
    const crash: ReplicaCrash = { at: new Date(), ...exit };
    crashes.push(crash);
    if (state === 'starting') {
      state = 'down';
      startFailed(crash);
    } else if (options.mayRestart?.() === false) {
      state = 'down';
    } else {
      restartLater(crash);
    }
    options.onChange?.(replica);
  };

  const stop = async (graceMs: number): Promise<number | null> => {
    state = 'stopping';
    clearTimeout(restartTimer);
    const incarnation = current;
    if (incarnation) {
      incarnation.kill('SIGTERM');
      const escalation = setTimeout(() => incarnation.kill('SIGKILL'), graceMs);
      lastExit = await incarnation.exited;
      clearTimeout(escalation);
    }
    state = 'stopped';
    await new Promise<void>((resolve) => log.end(resolve));
    return lastExit ? exitCode(lastExit) : null;
  };

  const replica: AppReplica = {
    label: options.label,
    app: options.app,
    port: options.port,
    pid: () => current?.pid,
    crashes,
    logFile,
    tail,
    state: () => state,
    exitedAtStartUp,
    serving() {
      if (state === 'starting') state = 'running';
    },
    stop(graceMs) {
      stopped ??= stop(graceMs);
      return stopped;
    },
  };
  run();
  return replica;
}
