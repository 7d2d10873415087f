import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Logger } from '@shop/logger';
import { toConsumedMessage, type ConsumedMessage } from './consumer';
import { keepMember } from './consumer-member';

export interface BroadcastListenerOptions {
  kafka: Kafka;
  /**
   * Start of the listener's consumer group id; a random suffix makes the group this process's own, so
   * that every process receives every message instead of sharing the partitions.
   */
  groupPrefix: string;
  topics: readonly string[];
  logger: Logger;
  /**
   * Called for each message, in the message's processing span (a child of the producer's span). It must
   * not block: the listener does not wait for work it starts, and a throw is logged, never retried.
   */
  handle(message: ConsumedMessage): void;
  /**
   * Called each time the listener receives again after it (re)joined: what was published while it was
   * not listening is not replayed, and this is the moment to catch up on it by other means.
   */
  onListening?: () => void;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  maxWaitTimeInMs?: number;
  /** First wait before joining again after the broker could not be reached; doubles up to 10 s. */
  initialBackoffMs?: number;
}

export interface BroadcastListener {
  /** The group this process listens in: unique to it. */
  groupId: string;
  /** True while the listener receives messages: it joined its group and fetched from its start offsets. */
  listening(): boolean;
  /** Leaves the group; safe to call while it is still trying to join. */
  stop(): Promise<void>;
}

/**
 * Every message of `topics` from now on, in every process that listens: for notifications that each
 * replica fans out to its own clients (live order status), unlike `startConsumer`, whose group shares
 * the work. Nothing is committed and nothing is dead-lettered: a listener starts at the latest offset
 * each time, and a message it missed (while the broker was away, or before it joined) is the caller's
 * to catch up on by other means. A broker that is away delays the listener; it never fails it.
 */
export function startBroadcastListener(options: BroadcastListenerOptions): BroadcastListener {
  const groupId = `${options.groupPrefix}${randomUUID()}`;
  const logger = options.logger.child({ component: 'broadcast-listener', groupId });
  const stopped = new AbortController();
  let listening = false;
  let joinedSinceFetch = false;

  const member = keepMember({
    create: () => {
      const created = options.kafka.consumer({
        groupId,
        sessionTimeout: options.sessionTimeoutMs ?? 30_000,
        heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
        maxWaitTimeInMs: options.maxWaitTimeInMs ?? 500,
        retry: { retries: 10, restartOnFailure: () => Promise.resolve(!stopped.signal.aborted) },
      });
      // A join alone does not make it listen: its start offsets (the latest) are taken when it first
      // fetches, so only what is published after that fetch began reaches it.
      created.on(created.events.GROUP_JOIN, () => (joinedSinceFetch = true));
      created.on(created.events.FETCH, () => {
        if (!joinedSinceFetch) return;
        joinedSinceFetch = false;
        listening = true;
        logger.info({ topics: options.topics }, 'listening');
        options.onListening?.();
      });
      const deaf = () => {
        listening = false;
        joinedSinceFetch = false;
      };
      created.on(created.events.CRASH, deaf);
      created.on(created.events.DISCONNECT, deaf);
      return created;
    },
    run: async (consumer) => {
      await consumer.subscribe({ topics: [...options.topics], fromBeginning: false });
      await consumer.run({
        // Offsets are never committed: the group is this process's alone and ends with it.
        autoCommit: false,
        eachMessage: ({ topic, partition, message }) => {
          try {
            options.handle(toConsumedMessage(topic, partition, message));
          } catch (error) {
            logger.warn({ err: error, topic, partition, offset: message.offset }, 'message not handled');
          }
          return Promise.resolve();
        },
      });
    },
    logger,
    initialBackoffMs: options.initialBackoffMs ?? 500,
    maxBackoffMs: 10_000,
    // A broker that is away when the process starts delays the listener; it never fails it.
    retryFirstJoin: true,
  });

  return {
    groupId,
    listening: () => listening,
    async stop() {
      stopped.abort();
      listening = false;
      await member.stop();
    },
  };
}
