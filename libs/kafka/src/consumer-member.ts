import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer } from 'kafkajs';
import type { Logger } from '@shop/logger';

export interface KeptMember {
  /**
   * Resolves once the first member runs. Without `retryFirstJoin` it rejects, with nothing left running,
   * if that member could not start; with it, it keeps trying and resolves (or the caller stops it).
   */
  readonly started: Promise<void>;
  /** Stops replacing members and disconnects the current one. */
  stop(): Promise<void>;
}

export interface KeepMemberOptions {
  /** Makes a new kafkajs consumer, with whatever event listeners the caller wants on it. */
  create: () => Consumer;
  /** Subscribes and runs a connected consumer. */
  run: (consumer: Consumer) => Promise<void>;
  logger: Logger;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Keep trying when the very first join fails too (default: that failure is the caller's). */
  retryFirstJoin?: boolean;
}

/**
 * Keeps one group member running for as long as the caller wants one. kafkajs restarts a consumer after
 * a retriable failure, but a crash on an error it deems final (a broker answering a late SyncGroup with
 * INVALID_REQUEST, say) leaves it disconnected for good, while the process looks healthy and its
 * partitions are served by nobody. Such a crash is a fault of the moment, not of the program: a new member
 * joins in its place, with a backoff while joining fails.
 */
export function keepMember(options: KeepMemberOptions): KeptMember {
  const { logger } = options;
  // Ends a backoff at once when the caller stops.
  const stopped = new AbortController();
  let current: Consumer | undefined;

  const join = async (): Promise<void> => {
    const consumer = options.create();
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || stopped.signal.aborted || consumer !== current) return;
      logger.error(
        { err: payload.error },
        'the consumer stopped on an error kafkajs does not restart on; a new member joins in its place',
      );
      current = undefined;
      // Only the current member's crash gets here, once: one replacement at a time.
      void keepJoining(true);
    });
    current = consumer;
    try {
      await consumer.connect();
      // Stopped while kafkajs was still connecting: nothing waits for this member any more.
      if (stopped.signal.aborted) return await consumer.disconnect();
      await options.run(consumer);
      if (stopped.signal.aborted) await consumer.disconnect();
    } catch (error) {
      if (current === consumer) current = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  };

  const keepJoining = async (waitFirst: boolean): Promise<void> => {
    for (let attempt = 0; !stopped.signal.aborted; attempt++) {
      if (waitFirst || attempt > 0) {
        const waitMs = Math.min(options.initialBackoffMs * 2 ** attempt, options.maxBackoffMs);
        const waited = await sleep(waitMs, true, { signal: stopped.signal }).catch(() => false);
        if (!waited) return;
      }
      try {
        await join();
        if (attempt > 0 || waitFirst) logger.info({ attempt: attempt + 1 }, 'consumer member joined');
        return;
      } catch (error) {
        logger.warn({ err: error, attempt: attempt + 1 }, 'consumer member cannot join yet; trying again');
      }
    }
  };

  return {
    started: options.retryFirstJoin ? keepJoining(false) : join(),
    async stop() {
      stopped.abort();
      // A join still in kafkajs's connection retries ends by itself and disconnects (see `join`).
      const member = current;
      current = undefined;
      await member?.disconnect().catch(() => undefined);
    },
  };
}
