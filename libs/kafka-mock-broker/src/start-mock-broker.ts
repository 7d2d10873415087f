import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { ensureMockBrokerBuilt, mockBrokerBinaryPath } from './build';
import { LineChannel } from './line-channel';
import { withTimeout } from './timeout';

export interface MockBrokerTopic {
  name: string;
  partitions: number;
}

export interface MockBrokerOptions {
  /** Created up front: topics auto-created on first use always get 4 partitions. */
  topics: ReadonlyArray<MockBrokerTopic>;
  /** Number of brokers, ids 1..n (default 1). */
  brokers?: number;
  /**
   * How long the first member of an empty group waits for others before the group forms (Kafka's
   * group.initial.rebalance.delay.ms; default 3000). 0 suits tests with one consumer per group.
   */
  initialRebalanceDelayMs?: number;
}

export interface MockBroker {
  /** `host:port,host:port`: split on ',' for kafkajs `brokers`. */
  readonly bootstrapServers: string;
  readonly pid: number;
  /** Sends one stdin command (see the README); resolves with the `ok...` answer, rejects on `error: ...`. */
  command(line: string): Promise<string>;
  /** Closes the broker's listener and connections; its partitions keep it as leader. */
  brokerDown(id: number): Promise<void>;
  brokerUp(id: number): Promise<void>;
  /** Delays every response of broker `id` by `ms`. */
  setRtt(id: number, ms: number): Promise<void>;
  /** Ends the process (SIGTERM, then SIGKILL after 5 s); resolves once it is gone. */
  stop(): Promise<void>;
  /**
   * The write end of its stdin. The broker exits once every process holding it has closed it: given to a
   * child process as a stdio entry (never written to there), it keeps the broker up until that child is
   * gone too, even if this process dies first.
   */
  readonly stdin: Writable;
  /** Resolves once the process has ended, after stop() or on its own. */
  readonly closed: Promise<void>;
}

const startupTimeoutMs = 30_000;
const answerTimeoutMs = 10_000;
const stopGraceMs = 5_000;
const stderrKeptChars = 4_000;

function topicArgs(topics: ReadonlyArray<MockBrokerTopic>): string[] {
  return topics.flatMap(({ name, partitions }) => {
    // The program splits NAME:PARTITIONS on the last ':' and reads commands split on whitespace.
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`kafka-mock-broker: invalid topic name '${name}'`);
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new Error(`kafka-mock-broker: topic ${name} needs a positive whole number of partitions`);
    }
    return ['--topic', `${name}:${partitions}`];
  });
}

/**
 * Starts a Kafka-protocol broker (librdkafka's mock cluster) on free loopback ports, building it
 * first if needed. The broker dies with this process even without stop(): it exits on EOF on stdin.
 * Call stop() anyway, or the child keeps jest from exiting.
 */
export async function startMockBroker(options: MockBrokerOptions): Promise<MockBroker> {
  const args = [...topicArgs(options.topics), '--brokers', String(options.brokers ?? 1)];
  if (options.initialRebalanceDelayMs !== undefined) {
    args.push('--initial-rebalance-delay', String(options.initialRebalanceDelayMs));
  }
  ensureMockBrokerBuilt();

  // A process group of its own: a Ctrl-C meant for the parent must not take the broker away before
  // the apps using it have stopped. It still ends with the parent, on EOF on stdin.
  const child = spawn(mockBrokerBinaryPath(), args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const lines = new LineChannel(child.stdout);

  // Kept only to explain a failure; librdkafka logs warnings and errors there.
  let stderrTail = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-stderrKeptChars);
  });
  const describeStderr = () => (stderrTail.trim() ? `; stderr: ${stderrTail.trim()}` : '');

  // Writes after the process is gone fail with EPIPE; the close handler below already explains why.
  child.stdin.on('error', () => undefined);

  // 'close' rather than 'exit': by then stdout and stderr are drained, so the last answers are
  // delivered first and the stderr tail is complete.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.once('error', (error) => {
    lines.fail(new Error(`kafka-mock-broker: cannot run ${mockBrokerBinaryPath()}: ${error.message}`));
  });
  child.once('close', (code, signal) => {
    const how = signal ? `signal ${signal}` : `exit code ${String(code)}`;
    lines.fail(new Error(`kafka-mock-broker exited (${how})${describeStderr()}`));
  });

  async function stop(): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const escalation = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
      await closed.finally(() => clearTimeout(escalation));
    } else {
      await closed;
    }
  }

  let bootstrapServers: string;
  try {
    const first = await withTimeout(
      lines.next(),
      startupTimeoutMs,
      () =>
        `kafka-mock-broker did not report its address within ${startupTimeoutMs / 1000} s${describeStderr()}`,
    );
    if (!first.startsWith('bootstrap='))
      throw new Error(`kafka-mock-broker: unexpected first line '${first}'`);
    bootstrapServers = first.slice('bootstrap='.length);
  } catch (error) {
    child.kill('SIGKILL');
    await closed;
    throw error;
  }

  // One command in flight at a time: answers carry no id, so order is what pairs them.
  let queue: Promise<unknown> = Promise.resolve();
  function command(line: string): Promise<string> {
    const exchange = async (): Promise<string> => {
      if (/[\r\n]/.test(line)) throw new Error('kafka-mock-broker: a command is a single line');
      child.stdin.write(`${line}\n`);
      const answer = await withTimeout(lines.next(), answerTimeoutMs, () => {
        const message = `kafka-mock-broker: no answer to '${line}' within ${answerTimeoutMs / 1000} s`;
        lines.fail(new Error(`${message}; later answers would be out of step`));
        return message;
      });
      if (answer.startsWith('error: ')) {
        throw new Error(`kafka-mock-broker: '${line}' failed: ${answer.slice('error: '.length)}`);
      }
      return answer;
    };
    const result = queue.then(exchange);
    queue = result.catch(() => undefined);
    return result;
  }

  const run = async (line: string): Promise<void> => {
    await command(line);
  };

  return {
    bootstrapServers,
    pid: child.pid ?? -1,
    command,
    brokerDown: (id) => run(`broker-down ${id}`),
    brokerUp: (id) => run(`broker-up ${id}`),
    setRtt: (id, ms) => run(`rtt ${id} ${ms}`),
    stop,
    stdin: child.stdin,
    closed,
  };
}
