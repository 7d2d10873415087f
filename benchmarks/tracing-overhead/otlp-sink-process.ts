/**
 * The OTLP sink (otlp-sink.mjs) as a child process for the whole run: its own process, so the CPU it
 * spends taking the exports in is counted apart from the load generator's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { WORKSPACE_ROOT } from '../bench-kit';

interface SinkCounters {
  requests: number;
  bytes: number;
}
export type SinkStats = Record<'traces' | 'metrics' | 'logs' | 'other', SinkCounters>;

export interface OtlpSink {
  url: string;
  child: ChildProcess;
  /** What it has received so far. */
  stats(): Promise<SinkStats>;
  stop(): Promise<void>;
}

export async function startSink(): Promise<OtlpSink> {
  const child = spawn(process.execPath, [join(WORKSPACE_ROOT, 'benchmarks', 'otlp-sink.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(Number(line.replace('listening ', ''))));
    child.once('exit', (code) => reject(new Error(`the OTLP sink exited with ${code} at start-up`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    child,
    stats: async () => (await (await fetch(`${url}/stats`)).json()) as SinkStats,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
