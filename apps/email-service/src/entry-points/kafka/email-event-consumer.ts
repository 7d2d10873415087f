import type { FaultFlags } from '@shop/fault-flags';
import { consumerGroup, topicName, type RunningConsumer } from '@shop/kafka';
import type { Kafka } from 'kafkajs';
import type { Logger } from '@shop/logger';
import { startEventConsumer } from '@shop/messaging';
import type { EmailConfig } from '../../config';
import type { NotificationUseCases } from '../../domain/notifications';
import { withInjectedFaults } from './injected-faults';

export const CONSUMER_GROUP = 'email-service';

export interface EmailEventConsumerDeps {
  config: EmailConfig;
  kafka: Kafka;
  logger: Logger;
  notifications: NotificationUseCases;
  faults: Pick<FaultFlags, 'emailConsumerDelayMs' | 'emailPoisonShare'>;
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
  faults,
}: EmailEventConsumerDeps): Promise<RunningConsumer> {
  const injected = { faults };
  return startEventConsumer({
    kafka,
    logger,
    ...consumerGroup(config, CONSUMER_GROUP),
    topics: [topicName(config, 'userEvents'), topicName(config, 'orderEvents')],
    handlers: {
      'users.v1.UserRegistered': withInjectedFaults(async (event) => {
        await notifications.welcome(event.eventId, event.payload);
      }, injected),
      'orders.v1.OrderConfirmed': withInjectedFaults(async (event) => {
        await notifications.orderConfirmed(event.eventId, event.payload);
      }, injected),
      'orders.v1.OrderCancelled': withInjectedFaults(async (event) => {
        await notifications.orderCancelled(event.eventId, event.payload);
      }, injected),
    },
  });
}
