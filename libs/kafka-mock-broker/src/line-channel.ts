import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';

/**
 * The broker's stdout as a queue of lines. The broker answers every command with exactly one
 * line and never speaks unprompted, so the n-th line read is the answer to the n-th request;
 * the caller keeps at most one read pending at a time.
 */
export class LineChannel {
  private readonly buffered: string[] = [];
  private waiting: { resolve(line: string): void; reject(error: Error): void } | undefined;
  private failure: Error | undefined;

  constructor(input: Readable) {
    createInterface({ input, crlfDelay: Infinity }).on('line', (line) => this.receive(line));
  }

  /** The next line, or a rejection once the channel has failed (process gone, answers out of step). */
  next(): Promise<string> {
    const line = this.buffered.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiting) return Promise.reject(new Error('kafka-mock-broker: concurrent reads on one channel'));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  /** Every pending and later read fails with this error (the first failure wins). */
  fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(this.failure);
  }

  private receive(line: string): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting.resolve(line);
    else this.buffered.push(line);
  }
}
