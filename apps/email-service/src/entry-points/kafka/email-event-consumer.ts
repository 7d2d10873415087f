import { deadLetterTopic, TOPICS, type RunningConsumer } from '@shop/kafka';
import type { Kafka } from 'kafkajs';
import type { Logger } from '@shop/logger';
import { startEventConsumer } from '@shop/messaging';
import type { EmailConfig } from '../../config';
import type { NotificationUseCases } from '../../domain/notifications';

export const CONSUMER_GROUP = 'email-service';

export interface EmailEventConsumerDeps {
  config: EmailConfig;
  kafka: Kafka;
  logger: Logger;
  notifications: NotificationUseCases;
}

/**
 * Turns the events that deserve a mail into mails. The user and order topics carry other types too
 * (OrderCreated, ...): those have no handler and are skipped.
 */
export function startEmailEventConsumer({
  config,
  kafka,
  logger,
  notifications,
}: EmailEventConsumerDeps): Promise<RunningConsumer> {
  const prefix = config.KAFKA_TOPIC_PREFIX;
  const groupId = `${prefix}${CONSUMER_GROUP}`;
  return startEventConsumer({
    kafka,
    logger,
    groupId,
    topics: [TOPICS.userEvents, TOPICS.orderEvents].map((topic) => `${prefix}${topic.name}`),
    deadLetterTopic: deadLetterTopic(groupId).name,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    maxWaitTimeInMs: config.KAFKA_FETCH_MAX_WAIT_MS,
    handlers: {
      'users.v1.UserRegistered': async (event) => {
        await notifications.welcome(event.eventId, event.payload);
      },
      'orders.v1.OrderConfirmed': async (event) => {
        await notifications.orderConfirmed(event.eventId, event.payload);
      },
      'orders.v1.OrderCancelled': async (event) => {
        await notifications.orderCancelled(event.eventId, event.payload);
      },
    },
  });
}
