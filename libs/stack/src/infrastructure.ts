import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { allTopics } from '@shop/kafka';
import { startMockBroker } from '@shop/kafka-mock-broker';
import { freePort } from '@shop/testing';

export interface Running {
  /** The process this stack started, or undefined when it uses one that was given. */
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * The Kafka-protocol broker the stack uses: the one named, or a mock cluster with the shop's topics
 * (under the stack's topic prefix) at their real partition counts.
 */
export async function startBroker(
  given: string | undefined,
  topicPrefix = '',
): Promise<{ brokers: string } & Running> {
  if (given) return { brokers: given, pid: undefined, stop: () => Promise.resolve() };
  const broker = await startMockBroker({ topics: allTopics(topicPrefix) });
  return { brokers: broker.bootstrapServers, pid: broker.pid, stop: () => broker.stop() };
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.end(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

export interface MailCatcher extends Running {
  smtpUrl: string;
  webUrl: string | undefined;
}

/** The mail catcher (MailDev: SMTP in, a web UI to read what arrived), unless an SMTP server is named. */
export async function startMailCatcher(
  given: string | undefined,
  ports: { smtp?: number; web?: number } = {},
): Promise<MailCatcher> {
  if (given) return { smtpUrl: given, webUrl: undefined, pid: undefined, stop: () => Promise.resolve() };
  const smtp = ports.smtp ?? (await freePort());
  const web = ports.web ?? (await freePort());
  const child = spawn(
    process.execPath,
    [
      require.resolve('maildev/bin/maildev'),
      '--smtp',
      String(smtp),
      '--web',
      String(web),
      '--ip',
      '127.0.0.1',
      '--web-ip',
      '127.0.0.1',
      '--silent',
    ],
    { stdio: 'ignore', detached: true },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await Promise.race([
    waitForPort(smtp, 20_000),
    exited.then(() => {
      throw new Error('the mail catcher exited at start-up');
    }),
  ]);
  return {
    smtpUrl: `smtp://127.0.0.1:${smtp}`,
    webUrl: `http://127.0.0.1:${web}`,
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
