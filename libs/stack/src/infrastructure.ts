import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { allTopics } from '@shop/kafka';
import { startMockBroker } from '@shop/kafka-mock-broker';
import { holdLifeline, LIFELINE_FD, lifelineEnv } from './lifeline';

export interface Running {
  /** The process this stack started, or undefined when it uses one that was given. */
  pid: number | undefined;
  /** Our end of its lifeline, for the apps to hold too (see lifeline.ts). */
  lifeline: Readable | Writable | undefined;
  /** Resolves once the process has ended (never, for one that was given). */
  ended: Promise<void>;
  stop(): Promise<void>;
}

const given = { pid: undefined, lifeline: undefined, ended: new Promise<void>(() => undefined) };

/**
 * The Kafka-protocol broker the stack uses: the one named, or a mock cluster with the shop's topics
 * (under the stack's topic prefix) at their real partition counts.
 */
export async function startBroker(
  brokers: string | undefined,
  topicPrefix = '',
): Promise<{ brokers: string } & Running> {
  if (brokers) return { brokers, ...given, stop: () => Promise.resolve() };
  // Its lifeline is its stdin: it exits on end-of-file there.
  const broker = await startMockBroker({ topics: allTopics(topicPrefix) });
  return {
    brokers: broker.bootstrapServers,
    pid: broker.pid,
    lifeline: broker.stdin,
    ended: broker.closed,
    stop: () => broker.stop(),
  };
}

export interface MailCatcher extends Running {
  smtpUrl: string;
  webUrl: string | undefined;
}

/**
 * The mail catcher (mail-catcher.mjs: SMTP in, a web UI to read what arrived) on the ports given, unless
 * an SMTP server is named. It stops when its lifeline closes (see lifeline.ts).
 */
export async function startMailCatcher(
  smtpUrl: string | undefined,
  ports: { smtp: number; web: number },
): Promise<MailCatcher> {
  if (smtpUrl) return { smtpUrl, webUrl: undefined, ...given, stop: () => Promise.resolve() };
  const child = spawn(
    process.execPath,
    [join(__dirname, 'mail-catcher.mjs'), String(ports.smtp), String(ports.web)],
    // Its own process group, as the apps: a Ctrl-C reaches the launcher, which stops it last. The
    // fourth descriptor is its lifeline.
    { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: { ...process.env, ...lifelineEnv }, detached: true },
  );
  holdLifeline(child);
  // Kept only to explain a failed start.
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4_000)));
  // 'exit', not 'close': once the apps hold its lifeline too (see lifeline.ts), our end of it no longer
  // reports the end of the process, and 'close' waits for that.
  const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        if (line === 'ready') resolve();
      });
      // At start-up nobody else holds its lifeline, and 'close' comes once its stderr has been read.
      child.once('close', () => reject(new Error(`the mail catcher exited at start-up: ${stderr.trim()}`)));
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    smtpUrl: `smtp://127.0.0.1:${ports.smtp}`,
    webUrl: `http://127.0.0.1:${ports.web}`,
    pid: child.pid,
    lifeline: child.stdio[LIFELINE_FD] ?? undefined,
    ended,
    async stop() {
      child.kill('SIGTERM');
      const escalation = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await ended;
      clearTimeout(escalation);
    },
  };
}
