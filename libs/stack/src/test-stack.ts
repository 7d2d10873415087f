/**
 * The whole shop for an end-to-end test: every app as a process on free ports, on the test broker
 * under a topic prefix of its own, temporary databases, fast consumer timings, and a real SMTP server
 * in the test that keeps every mail the email service sends.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { adminConnection, fastKafkaEnv, startSmtpCapture, type SmtpCapture } from '@shop/testing';
import { startStack, WORKSPACE_ROOT, type Stack } from './start-stack';

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
}

export interface TestStack extends Stack {
  /** Random per run; a test makes its own names (email addresses) unique with it. */
  run: string;
  /** Prepended to every topic the apps use. */
  topicPrefix: string;
  /** The SMTP server the email service sends to: the mails for the test to read. */
  smtp: SmtpCapture;
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
  const smtp = await startSmtpCapture();
  let stack: Stack;
  try {
    stack = await startStack({
      postgres: adminConnection(),
      kafkaBrokers: process.env['KAFKA_BROKERS'],
      smtpUrl: smtp.url,
      ports: 'free',
      databasePrefix: `${options.label}_${run}_`,
      topicPrefix,
      temporaryDatabases: true,
      logDir: options.logDir ?? join(WORKSPACE_ROOT, 'tmp', 'e2e', `${options.label}-${run}`),
      env: { ...fastKafkaEnv, ...options.env },
    });
  } catch (error) {
    await smtp.stop();
    throw error;
  }
  let stopped: ReturnType<Stack['stop']> | undefined;
  return {
    ...stack,
    run,
    topicPrefix,
    smtp,
    stop() {
      stopped ??= stack.stop().finally(() => smtp.stop());
      return stopped;
    },
  };
}
