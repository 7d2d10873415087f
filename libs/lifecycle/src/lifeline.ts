import { Socket } from 'node:net';

/**
 * Watches the lifeline a supervising parent handed this process on `fd` (see `LIFELINE_FD`): the parent
 * keeps the other end open and never writes, so end-of-file means it is gone, however it ended (SIGKILL
 * included), and `onClosed` runs once. The watch does not keep the process alive by itself.
 */
export function watchLifeline(fd: number, onClosed: () => void): void {
  // A socket rather than a read stream: reads wait in the event loop, not in a thread-pool thread.
  const lifeline = new Socket({ fd, readable: true, writable: false });
  lifeline.unref();
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    onClosed();
  };
  lifeline.on('end', close);
  lifeline.on('close', close);
  // A reset (ECONNRESET) means the same as EOF here: the other end is gone.
  lifeline.on('error', close);
  lifeline.resume();
}

const READER_GONE = new Set(['EPIPE', 'ECONNRESET', 'EIO']);

/**
 * Keeps the process running when whoever reads its stdout/stderr goes away (a launcher killed, a pipe
 * into `head`, a terminal hung up): lines written after that are lost, but the work and the graceful
 * stop go on. Any other stream error still ends the process, as it would without this.
 */
export function surviveLostOutputReader(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (!READER_GONE.has(error.code ?? '')) throw error;
    });
  }
}
