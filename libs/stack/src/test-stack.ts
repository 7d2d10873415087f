/**
 * The whole shop for an end-to-end test: every app as a process on free ports, on the test broker
 * under a topic prefix of its own, temporary databases, fast consumer timings, and a real SMTP server
 * in the test that keeps every mail the email service sends. Or, with `architecture: 'monolith'`, the
 * monolith on a free port with a temporary database and the same SMTP server, and no broker.
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
import type { AppName, Architecture } from './apps';
import {
  DEFAULT_FLAGS_FILE,
  startStack,
  WORKSPACE_ROOT,
  type MonolithStack,
  type Stack,
  type StackOptions,
} from './start-stack';

/** What a test stack of either architecture is started with. */
export interface AnyTestStackOptions {
  /** The microservices (default) or the monolith: the same public API, deployed either way. */
  architecture?: Architecture | undefined;
  /**
   * Names what the run creates, so that stacks of several suites share Postgres and the broker: its
   * databases `<label>_<run>_users`, ... (the monolith's `<label>_<run>_monolith`), its topics
   * `<label>-<run>.orders.v1.events`, ... Lowercase letters and digits.
   */
  label: string;
  /**
   * Extra environment for every app (LOG_LEVEL, CARD_NETWORK_*, OTEL_*, ...), over the microservices'
   * fast Kafka timings.
   */
  env?: NodeJS.ProcessEnv;
  /** Where the apps' logs go; by default tmp/e2e/<label>-<run>, kept for reading after a failure. */
  logDir?: string;
  /** Replicas per app (default 1 each); the monolith runs as one process. */
  scale?: Partial<Record<AppName, number>>;
  /** The Postgres server for the stack's databases; by default the tests' shared one (`PG*`). */
  postgres?: ServerConnection;
  /**
   * `shared` (default): the broker jest's global set-up started. `own`: a broker of this stack's own,
   * for a test that takes it down (`broker`), which would disturb every other suite on the shared one.
   * The monolith needs no broker.
   */
  broker?: 'shared' | 'own';
}

/** The microservices' test stack (the default). */
export interface TestStackOptions extends AnyTestStackOptions {
  architecture?: 'microservices' | undefined;
}

export interface MonolithTestStackOptions extends AnyTestStackOptions {
  architecture: 'monolith';
}

/** What a test gets from a stack of either architecture, beyond the stack itself. */
export interface TestStackHandles {
  /** Random per run; a test makes its own names (email addresses) unique with it. */
  run: string;
  /** The SMTP server the shop sends to: the mails for the test to read. */
  smtp: SmtpCapture;
  /** The fault flags file the apps follow: a copy of the repository's, for the test to change. */
  flagsFile: string;
  /**
   * Stops the apps (gateway first), then the SMTP server. Safe to call again: a test that asserts the
   * graceful stop and the suite's afterAll can both call it, and both get the apps' exits.
   */
  stop: Stack['stop'];
}

export interface TestStack extends Stack, TestStackHandles {
  /** Prepended to every topic the apps use. */
  topicPrefix: string;
  /** The stack's own broker, with `broker: 'own'`, for injecting faults. */
  broker: MockBroker | undefined;
}

export interface MonolithTestStack extends MonolithStack, TestStackHandles {}

/** A test stack of either architecture. */
export type AnyTestStack = TestStack | MonolithTestStack;

/**
 * Starts the test stack; the microservices' broker is the one jest's global set-up started
 * (`KAFKA_BROKERS`) unless the stack asks for its own.
 */
export function startTestStack(options: MonolithTestStackOptions): Promise<MonolithTestStack>;
export function startTestStack(options: TestStackOptions): Promise<TestStack>;
export function startTestStack(options: AnyTestStackOptions): Promise<AnyTestStack>;
export async function startTestStack(options: AnyTestStackOptions): Promise<AnyTestStack> {
  if (options.architecture === 'monolith' && options.broker === 'own')
    throw new Error('the monolith uses no broker: a test of broker faults runs the microservices');
  const run = randomBytes(3).toString('hex');
  const topicPrefix = `${options.label}-${run}.`;
  const logDir = options.logDir ?? join(WORKSPACE_ROOT, 'tmp', 'e2e', `${options.label}-${run}`);
  mkdirSync(logDir, { recursive: true });
  const flagsFile = join(logDir, 'faults.flagd.json');
  copyFileSync(DEFAULT_FLAGS_FILE, flagsFile);
  const smtp = await startSmtpCapture();
  let broker: MockBroker | undefined;
  const common: StackOptions = {
    postgres: options.postgres ?? adminConnection(),
    smtpUrl: smtp.url,
    ...(options.scale && { scale: options.scale }),
    ports: 'free',
    databasePrefix: `${options.label}_${run}_`,
    temporaryDatabases: true,
    logDir,
    flagsFile,
  };
  let stack: Stack | MonolithStack;
  try {
    if (options.architecture === 'monolith') {
      stack = await startStack({ ...common, architecture: 'monolith', env: { ...options.env } });
    } else {
      if (options.broker === 'own') broker = await startMockBroker({ topics: allTopics(topicPrefix) });
      stack = await startStack({
        ...common,
        architecture: 'microservices',
        kafkaBrokers: broker?.bootstrapServers ?? process.env['KAFKA_BROKERS'],
        topicPrefix,
        // A CA and certificates of the run's own, so that stacks started side by side never share one.
        certsDir: join(logDir, 'certs'),
        env: { ...fastKafkaEnv, ...options.env },
      });
    }
  } catch (error) {
    await smtp.stop();
    await broker?.stop();
    throw error;
  }
  let stopped: ReturnType<Stack['stop']> | undefined;
  const stop = () => {
    stopped ??= stack.stop().finally(async () => {
      await smtp.stop();
      await broker?.stop();
    });
    return stopped;
  };
  const handles: TestStackHandles = { run, smtp, flagsFile, stop };
  return stack.architecture === 'monolith'
    ? { ...stack, ...handles }
    : { ...stack, ...handles, topicPrefix, broker };
}
