import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface AppProcessOptions {
  /** `orders-service#2`: how logs and errors name this replica. */
  label: string;
  script: string;
  env: NodeJS.ProcessEnv;
  logDir: string;
  /** Also echo each log line, prefixed with the label, to this stream. */
  echo?: NodeJS.WritableStream;
  nodeArgs?: readonly string[];
}

export interface AppProcess {
  label: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code once the process is gone. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs: number): Promise<number | null>;
  /** The last lines it wrote, for error messages. */
  tail(): string;
}

export function startAppProcess(options: AppProcessOptions): AppProcess {
  mkdirSync(options.logDir, { recursive: true });
  const logFile = join(options.logDir, `${options.label.replace('#', '-')}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const recent: string[] = [];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script], {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own, so a Ctrl-C in the terminal reaches only the launcher, which then
    // stops the apps in order (gateway first) before the broker they need to leave cleanly.
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      log.write(`${line}\n`);
      recent.push(line);
      if (recent.length > 40) recent.shift();
      options.echo?.write(`[${options.label}] ${line}\n`);
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      log.end();
      resolve(code ?? (signal ? null : 0));
    });
  });
  return {
    label: options.label,
    child,
    logFile,
    exited,
    tail: () => recent.join('\n'),
    async stop(graceMs) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
