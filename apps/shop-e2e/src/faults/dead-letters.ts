import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { headersToStrings } from '@shop/kafka';
import { eventually } from '@shop/testing';

export interface DeadLetter {
  key: string | undefined;
  headers: Record<string, string>;
}

/** Every message in a dead-letter topic so far, read from the beginning by a group of its own. */
export async function readDeadLetters(brokers: string, topic: string): Promise<DeadLetter[]> {
  const kafka = new Kafka({
    clientId: 'dead-letter-reader',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = ends.reduce((sum, end) => sum + Number(end.high) - Number(end.low), 0);
  if (total === 0) return [];

  const letters: DeadLetter[] = [];
  const consumer = kafka.consumer({
    groupId: `dead-letter-reader-${randomBytes(3).toString('hex')}`,
    sessionTimeout: 6_000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        letters.push({ key: message.key?.toString(), headers: headersToStrings(message.headers) });
        return Promise.resolve();
      },
    });
    await eventually(() => letters.length >= total, 30_000, 100);
  } finally {
    await consumer.disconnect();
  }
  return letters;
}
