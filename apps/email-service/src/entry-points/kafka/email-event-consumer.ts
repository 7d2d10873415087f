import type { EmailEventHandlers } from '@shop/email-module';
import type { FaultFlags } from '@shop/fault-flags';
import { consumerGroup, topicName, type RunningConsumer } from '@shop/kafka';
import type { Kafka } from 'kafkajs';
import type { Logger } from '@shop/logger';
import { startEventConsumer } from '@shop/messaging';
import type { EmailConfig } from '../../config';
import { withInjectedFaults } from './injected-faults';

export const CONSUMER_GROUP = 'email-service';

export interface EmailEventConsumerDeps {
  config: EmailConfig;
  kafka: Kafka;
  logger: Logger;
  /** The email module's handlers: which events deserve a mail, and which mail. */
  handlers: EmailEventHandlers;
  faults: Pick<FaultFlags, 'emailConsumerDelayMs' | 'emailPoisonShare'>;
}

/**
 * Turns the events that deserve a mail into mails, with this consumer's injected faults (a slow or a
 * poisoned delivery) in front of each handler: they play a broken consumer, so they belong to the
 * consumer, not to the module. The user and order topics carry other types too (OrderCreated, ...):
 * those have no handler and are skipped.
 */
export function startEmailEventConsumer({
  config,
  kafka,
  logger,
  handlers,
  faults,
}: EmailEventConsumerDeps): Promise<RunningConsumer> {
  const injected = { faults };
  return startEventConsumer({
    kafka,
    logger,
    ...consumerGroup(config, CONSUMER_GROUP),
    topics: [topicName(config, 'userEvents'), topicName(config, 'orderEvents')],
    handlers: {
      'users.v1.UserRegistered': withInjectedFaults(handlers['users.v1.UserRegistered'], injected),
      'orders.v1.OrderConfirmed': withInjectedFaults(handlers['orders.v1.OrderConfirmed'], injected),
      'orders.v1.OrderCancelled': withInjectedFaults(handlers['orders.v1.OrderCancelled'], injected),
    },
  });
}
