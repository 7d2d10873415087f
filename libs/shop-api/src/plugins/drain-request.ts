import type { IncomingMessage } from 'node:http';

export interface DrainLimits {
  /** Read and discard at most this much before giving up on the client. */
  maxBytes: number;
  timeoutMs: number;
}

/**
 * Reads and discards what is left of a request body the gateway refuses (413), before the answer goes out
 * and the connection closes. A server that closes while the client is still sending makes the client's
 * next write fail (EPIPE, or a reset): many clients, Node's fetch among them, then report that failure
 * and never read the answer. nginx calls this a lingering close. Bounded, so that a client sending
 * without end cannot hold the connection: past the limits the connection closes as before.
 */
export function drainRequest(request: IncomingMessage, limits: DrainLimits): Promise<void> {
  if (request.complete || request.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    let read = 0;
    const done = () => {
      clearTimeout(timer);
      request.off('data', count).off('end', done).off('close', done).off('error', done);
      resolve();
    };
    const count = (chunk: Buffer) => {
      read += chunk.length;
      if (read > limits.maxBytes) done();
    };
    const timer = setTimeout(done, limits.timeoutMs);
    request.on('data', count).once('end', done).once('close', done).once('error', done);
    request.resume();
  });
}
