/**
 * The whole shop for an end-to-end test: every app as a process on free ports, on the test broker
 * under a topic prefix of its own, temporary databases, fast consumer timings, and a real SMTP server
 * in the test that keeps every mail the email service sends.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { allTopics } from '@shop/kafka';
import { startMockBroker, type MockBroker } from '@shop/kafka-mock-broker';
import {
  adminConnection,
  fastKafkaEnv,
  startSmtpCapture,
  type ServerConnection,
  type SmtpCapture,
} from '@shop/testing';
import type { AppName } from './apps';
import { DEFAULT_FLAGS_FILE, startStack, WORKSPACE_ROOT, type Stack } from './start-stack';

export interface TestStackOptions {
  /**
   * Names what the run creates, so that stacks of several suites share Postgres and the broker: its
   * databases `<label>_<run>_users`, ..., its topics `<label>-<run>.orders.v1.events`, ... Lowercase
   * letters and digits.
   */
  label: string;
  /** Extra environment for every app (LOG_LEVEL, CARD_NETWORK_*, OTEL_*, ...), over the fast timings. */
  env?: NodeJS.ProcessEnv;
  /** Where the apps' logs go; by default tmp/e2e/<label>-<run>, kept for reading after a failure. */
  logDir?: string;
  /** Replicas per app (default 1 each). */
  scale?: Partial<Record<AppName, number>>;
  /** The Postgres server for the stack's databases; by default the tests' shared one (`PG*`). */
  postgres?: ServerConnection;
  /**
   * `shared` (default): the broker jest's global set-up started. `own`: a broker of this stack's own,
   * for a test that takes it down (`broker`), which would disturb every other suite on the shared one.
   */
  broker?: 'shared' | 'own';
}

export interface TestStack extends Stack {
  /** Random per run; a test makes its own names (email addresses) unique with it. */
  run: string;
  /** Prepended to every topic the apps use. */
  topicPrefix: string;
  /** The SMTP server the email service sends to: the mails for the test to read. */
  smtp: SmtpCapture;
  /** The stack's own broker, with `broker: 'own'`, for injecting faults. */
  broker: MockBroker | undefined;
  /** The fault flags file the apps follow: a copy of the repository's, for the test to change. */
  flagsFile: string;
  /**
   * Stops the apps (gateway first), then the SMTP server. Safe to call again: a test that asserts the
   * graceful stop and the suite's afterAll can both call it, and both get the apps' exits.
   */
  stop: Stack['stop'];
}

/** Starts the test stack; the test broker is the one jest's global set-up started (`KAFKA_BROKERS`). */
export async function startTestStack(options: TestStackOptions): Promise<TestStack> {
  const run = randomBytes(3).toString('hex');
  const topicPrefix = `${options.label}-${run}.`;
  const logDir = options.logDir ?? join(WORKSPACE_ROOT, 'tmp', 'e2e', `${options.label}-${run}`);
  mkdirSync(logDir, { recursive: true });
  const flagsFile = join(logDir, 'faults.flagd.json');
  copyFileSync(DEFAULT_FLAGS_FILE, flagsFile);
  const smtp = await startSmtpCapture();
  let broker: MockBroker | undefined;
  let stack: Stack;
  try {
    if (options.broker === 'own') broker = await startMockBroker({ topics: allTopics(topicPrefix) });
    stack = await startStack({
      postgres: options.postgres ?? adminConnection(),
      kafkaBrokers: broker?.bootstrapServers ?? process.env['KAFKA_BROKERS'],
      smtpUrl: smtp.url,
      ...(options.scale && { scale: options.scale }),
      ports: 'free',
      databasePrefix: `${options.label}_${run}_`,
      topicPrefix,
      temporaryDatabases: true,
      logDir,
      // A CA and certificates of the run's own, so that stacks started side by side never share one.
      certsDir: join(logDir, 'certs'),
      flagsFile,
      env: { ...fastKafkaEnv, ...options.env },
    });
  } catch (error) {
    await smtp.stop();
    await broker?.stop();
    throw error;
  }
  let stopped: ReturnType<Stack['stop']> | undefined;
  return {
    ...stack,
    run,
    topicPrefix,
    smtp,
    broker,
    flagsFile,
    stop() {
      stopped ??= stack.stop().finally(async () => {
        await smtp.stop();
        await broker?.stop();
      });
      return stopped;
    },
  };
}
