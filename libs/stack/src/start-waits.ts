import { setTimeout as sleep } from 'node:timers/promises';
import { describeExit } from './app-process';
import type { AppReplica } from './supervise';

/** `work`, unless the start is aborted first. */
export function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  signal.throwIfAborted();
  const aborted = new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
  );
  return Promise.race([work, aborted]);
}

/** Resolves once `check` does, or fails if the replica's start fails first. */
export async function untilReady(replica: AppReplica, check: () => Promise<void>): Promise<void> {
  await Promise.race([
    check().catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`${replica.label} did not get ready: ${reason}\n${replica.tail()}`);
    }),
    replica.exitedAtStartUp.then((exit) => {
      throw new Error(`${replica.label} exited at start-up (${describeExit(exit)}):\n${replica.tail()}`);
    }),
  ]);
  replica.serving();
}

export async function waitForGateway(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await sleep(200);
  }
}
