import type { Running } from './infrastructure';
import { supervise, type AppReplica, type SuperviseOptions } from './supervise';

export interface AppExitCode {
  label: string;
  code: number | null;
}

/** What a replica needs beyond what every replica of a run shares. */
export type ReplicaLaunch = Pick<SuperviseOptions, 'label' | 'app' | 'port' | 'script' | 'env' | 'nodeArgs'>;

export interface StackRunOptions {
  logDir: string;
  echo?: NodeJS.WritableStream | undefined;
  notices?: NodeJS.WritableStream | undefined;
  onReplicaChange?: ((replica: AppReplica) => void) | undefined;
}

/**
 * The bookkeeping of one start, whichever architecture: the infrastructure it started (a broker, the mail
 * catcher), the replicas it supervises, what to undo on stop, and the stop itself, in order.
 */
export interface StackRun {
  /** Every replica started so far, in start order. */
  replicas: AppReplica[];
  /** Run on stop after the replicas, last added first (trace receiver, mail catcher, databases, ...). */
  onStop(cleanup: () => Promise<void>): void;
  /** A broker or mail catcher the apps need: its pid is listed, its lifeline held by every replica. */
  addInfrastructure(name: string, running: Running): void;
  /** Rejects, naming it, once any infrastructure process ends: raced with every wait of the start. */
  infrastructureLost(): Promise<never>;
  /** Says so (on `notices`) when infrastructure ends later while the stack runs: it is not restarted. */
  reportInfrastructureLoss(): void;
  launch(replica: ReplicaLaunch): AppReplica;
  pids: () => { label: string; pid: number }[];
  /** Replicas last started first (gateway before services), then the cleanups. Safe to call again. */
  stop: () => Promise<AppExitCode[]>;
}

export function createStackRun(options: StackRunOptions): StackRun {
  const replicas: AppReplica[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const infrastructure: { name: string; running: Running }[] = [];
  let stopping: Promise<AppExitCode[]> | undefined;

  const stop = () => {
    stopping ??= (async () => {
      const exits: AppExitCode[] = [];
      // The last started first: the gateway before the services, so nothing calls a peer already gone.
      for (const replica of [...replicas].reverse())
        exits.push({ label: replica.label, code: await replica.stop(15_000) });
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
      return exits;
    })();
    return stopping;
  };

  return {
    replicas,
    onStop: (cleanup) => void cleanups.push(cleanup),
    addInfrastructure(name, running) {
      infrastructure.push({ name, running });
      cleanups.push(() => running.stop());
    },
    infrastructureLost: () =>
      Promise.race(infrastructure.map(({ name, running }) => running.ended.then(() => name))).then((name) => {
        throw new Error(`the ${name} exited while the stack was starting`);
      }),
    reportInfrastructureLoss() {
      // Not restarted (a new broker would have none of the topics' data): said, so that what follows is
      // understood.
      for (const { name, running } of infrastructure) {
        void running.ended.then(() => {
          if (!stopping)
            (options.notices ?? process.stderr).write(
              `the ${name} exited unexpectedly: the apps cannot reach it any more; restart the stack\n`,
            );
        });
      }
    },
    launch(launch) {
      const replica = supervise({
        ...launch,
        holds: infrastructure.flatMap(({ running }) => (running.lifeline ? [running.lifeline] : [])),
        logDir: options.logDir,
        mayRestart: () => stopping === undefined,
        ...(options.echo && { echo: options.echo }),
        ...(options.notices && { notices: options.notices }),
        ...(options.onReplicaChange && { onChange: options.onReplicaChange }),
      });
      replicas.push(replica);
      return replica;
    },
    pids: () =>
      [
        ...infrastructure.map(({ name, running }) => ({ label: name, pid: running.pid })),
        ...replicas.map((replica) => ({ label: replica.label, pid: replica.pid() })),
      ].filter((entry): entry is { label: string; pid: number } => entry.pid !== undefined),
    stop,
  };
}
