import type { orderEvents, userEvents } from '@shop/contracts';
import type { FaultFlags } from '@shop/fault-flags';
import { consumerGroup, topicName, type RunningConsumer } from '@shop/kafka';
import type { Kafka } from 'kafkajs';
import type { Logger } from '@shop/logger';
import { startEventConsumer } from '@shop/messaging';
import { annotateActiveSpan } from '@shop/telemetry';
import type { EmailConfig } from '../../config';
import type { Notification, NotificationUseCases } from '../../domain/notifications';
import { withInjectedFaults } from './injected-faults';

export const CONSUMER_GROUP = 'email-service';

export interface EmailEventConsumerDeps {
  config: EmailConfig;
  kafka: Kafka;
  logger: Logger;
  notifications: NotificationUseCases;
  faults: Pick<FaultFlags, 'emailConsumerDelayMs' | 'emailPoisonShare'>;
}

// The notification's id is the event's: every redelivery of the event asks for the same one mail.

export const welcome = (eventId: string, user: userEvents.UserRegistered): Notification => ({
  id: eventId,
  template: 'welcome',
  to: { email: user.email, name: user.name },
});

export const orderConfirmed = (eventId: string, order: orderEvents.OrderConfirmed): Notification => ({
  id: eventId,
  template: 'order-confirmed',
  to: { email: order.customerEmail, name: order.customerName },
  data: { orderId: order.orderId, totalCents: order.totalCents, currency: order.currency },
});

export const orderCancelled = (eventId: string, order: orderEvents.OrderCancelled): Notification => ({
  id: eventId,
  template: 'order-cancelled',
  to: { email: order.customerEmail, name: order.customerName },
  data: {
    orderId: order.orderId,
    reason: order.reason,
    totalCents: order.totalCents,
    currency: order.currency,
  },
});

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
      'users.v1.UserRegistered': withInjectedFaults(async ({ eventId, payload }) => {
        annotateActiveSpan({ 'app.user.id': payload.userId, 'app.email.template': 'welcome' });
        await notifications.send(welcome(eventId, payload));
      }, injected),
      'orders.v1.OrderConfirmed': withInjectedFaults(async ({ eventId, payload }) => {
        annotateActiveSpan({ 'app.order.id': payload.orderId, 'app.user.id': payload.userId });
        await notifications.send(orderConfirmed(eventId, payload));
      }, injected),
      'orders.v1.OrderCancelled': withInjectedFaults(async ({ eventId, payload }) => {
        annotateActiveSpan({ 'app.order.id': payload.orderId, 'app.user.id': payload.userId });
        await notifications.send(orderCancelled(eventId, payload));
      }, injected),
    },
  });
}
