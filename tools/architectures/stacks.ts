/**
 * The two shops under comparison: a fresh stack of each architecture per round, on free ports, with
 * temporary databases, a broker of its own (microservices), fast Kafka timings, telemetry off and a fault
 * flags file of its own; and the processes of both, by name, for the CPU and memory sampler.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_FLAGS_FILE,
  startStack,
  type AnyStack,
  type AppReplica,
  type Architecture,
  type StackApp,
} from '@shop/stack';
import {
  adminConnection,
  allPids,
  commandLine,
  FAST_KAFKA_ENV,
  readStat,
  type ProcessGroups,
} from '../../benchmarks/bench-kit';

/** A supervisor's restart of a replica, as the stack reported it. */
export interface ReplicaChange {
  label: string;
  state: string;
  pid: number | undefined;
  /** Epoch ms. */
  at: number;
}

export interface ArchitectureStack {
  architecture: Architecture;
  stack: AnyStack;
  /** The fault flags file this stack's apps follow (a copy of the repository's). */
  flagsFile: string;
  /** Its Postgres databases: their backends are its own. */
  databases: string[];
  changes: ReplicaChange[];
  logDir: string;
  /** The replica that holds payments: payments-service, or the monolith itself. */
  paymentsHolder(): AppReplica;
  stop(): Promise<void>;
}

export interface StartOptions {
  round: number;
  build: boolean;
  cardLatencyMs: string;
  outDir: string;
}

const SHORT: Record<Architecture, string> = { microservices: 'ms', monolith: 'mono' };

export async function startArchitecture(
  architecture: Architecture,
  options: StartOptions,
): Promise<ArchitectureStack> {
  // Telemetry is decided here, not by whatever the calling shell has set.
  for (const name of Object.keys(process.env)) if (name.startsWith('OTEL_')) delete process.env[name];
  const run = `arch_${SHORT[architecture]}${options.round}_${randomBytes(3).toString('hex')}`;
  const logDir = join(options.outDir, 'logs', run);
  mkdirSync(logDir, { recursive: true });
  const flagsFile = join(logDir, 'faults.flagd.json');
  copyFileSync(DEFAULT_FLAGS_FILE, flagsFile);
  const changes: ReplicaChange[] = [];
  // The supervisor's notices (a restart after the kill) go to a file: the terminal shows the load.
  const notices = createWriteStream(join(logDir, 'supervisor.log'), { flags: 'a' });
  const common = {
    postgres: adminConnection(),
    ports: 'free' as const,
    databasePrefix: `${run}_`,
    temporaryDatabases: true,
    build: options.build,
    logDir,
    flagsFile,
    notices,
    onReplicaChange: (replica: AppReplica) =>
      changes.push({ label: replica.label, state: replica.state(), pid: replica.pid(), at: Date.now() }),
    env: { ...FAST_KAFKA_ENV, OTEL_SDK_DISABLED: 'true', CARD_NETWORK_LATENCY_MS: options.cardLatencyMs },
  };
  const stack: AnyStack =
    architecture === 'monolith'
      ? await startStack({ ...common, architecture: 'monolith' })
      : await startStack({
          ...common,
          architecture: 'microservices',
          topicPrefix: `${run.replaceAll('_', '-')}.`,
          // A CA of the run's own: nothing shared with a `npm run stack` started meanwhile.
          certsDir: join(logDir, 'certs'),
        });
  const holder: StackApp = architecture === 'monolith' ? 'monolith' : 'payments-service';
  return {
    architecture,
    stack,
    flagsFile,
    databases: stack.architecture === 'monolith' ? [stack.database] : Object.values(stack.databases),
    changes,
    logDir,
    paymentsHolder() {
      const replica = stack.processes.find((each) => each.app === holder);
      if (!replica) throw new Error(`the ${architecture} stack runs no ${holder}`);
      return replica;
    },
    async stop() {
      const exits = await stack.stop();
      notices.end();
      const unclean = exits.filter((exit) => exit.code !== 0);
      if (unclean.length)
        process.stderr.write(
          `  note: unclean exits: ${unclean.map((exit) => `${exit.label}=${exit.code}`).join(', ')}\n`,
        );
    },
  };
}

/** Postgres backends name their database in their command line: `postgres: 15/main: <role> <db> ...`. */
const backendOf = (line: string, databases: readonly string[]) =>
  databases.some((database) => line.includes(` ${database} `));

/** The Postgres group's name for an architecture: its backends, summed. */
export const POSTGRES = 'postgres backends';

/**
 * Both stacks' processes, named `<architecture>/<process>` (`microservices/payments-service#1`,
 * `monolith/monolith#1`, `monolith/postgres backends`), plus `load generator` (this process) and
 * `postgres (server, other)`: the server's own processes and other clients' backends. Re-read on every
 * snapshot: a restarted replica has a new pid, connections come and go.
 */
export function processGroups(stacks: readonly ArchitectureStack[]): ProcessGroups {
  return {
    resolve() {
      const groups = new Map<string, number[]>();
      const add = (name: string, pid: number) => groups.set(name, [...(groups.get(name) ?? []), pid]);
      for (const { architecture, stack } of stacks)
        for (const { label, pid } of stack.pids()) add(`${architecture}/${label}`, pid);
      add('load generator', process.pid);
      for (const pid of allPids()) {
        if (readStat(pid)?.comm !== 'postgres') continue;
        const line = commandLine(pid);
        const owner = stacks.find((each) => backendOf(line, each.databases));
        add(owner ? `${owner.architecture}/${POSTGRES}` : 'postgres (server, other)', pid);
      }
      return groups;
    },
  };
}
