import { Kafka, logLevel, Partitioners, type LogEntry, type logCreator, type Producer } from 'kafkajs';
import type { Logger } from '@shop/logger';
import { stopIdleRequestQueueTimers } from './request-queue-timer';

export interface KafkaOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
}

const levels: Record<logLevel, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.NOTHING]: 'debug',
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs logs through the app's pino logger, so its lines are JSON with the rest. */
function pinoLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      kafkaLogger[levels[level]](extra, message);
    };
}

export function createKafka(options: KafkaOptions): Kafka {
  stopIdleRequestQueueTimers();
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(options.logger),
    // A broker that is away for a while delays work rather than failing it: the relay and the
    // consumers retry on top of this.
    retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 8 },
  });
}

/**
 * A producer that spreads keys over partitions as Kafka's own clients do (murmur2), which is kafkajs's
 * default since 2.0; named here so that kafkajs does not warn about that change at every start.
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
}
