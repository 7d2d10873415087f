import type { ChildProcess } from 'node:child_process';

/**
 * Every child of the stack gets a lifeline: one more pipe (this descriptor in the child, named to it by
 * `LIFELINE_FD`) whose other end only the stack's process holds and never writes to. When that process
 * ends, however it ends (SIGKILL included), the kernel closes its end, the child reads end-of-file and
 * stops gracefully: nothing the stack started outlives it.
 */
export const LIFELINE_FD = 3;

/*
 * The apps also hold the stack's ends of the broker's and the mail catcher's lifelines (as further
 * descriptors they never use). Those therefore close only once the stack's process and every app are
 * gone: should the stack's process die, the apps still find the broker and SMTP while they drain, and the
 * infrastructure follows the last of them.
 */

export const lifelineEnv = { LIFELINE_FD: String(LIFELINE_FD) } as const;

/**
 * Keeps our end of the child's lifeline open for as long as this process runs. Once the child is gone its
 * end closes too; nothing is ever written, so that is all that can happen to it.
 */
export function holdLifeline(child: ChildProcess): void {
  const end = child.stdio[LIFELINE_FD];
  if (!end) throw new Error(`the child has no lifeline on fd ${LIFELINE_FD}`);
  end.on('error', () => undefined);
}
