import type { EventTypeName, orderEvents, userEvents } from '@shop/contracts';
import type { ReceivedEvent } from '@shop/messaging';
import { annotateActiveSpan } from '@shop/telemetry';
import type { Notification, NotificationUseCases } from './domain/notifications';

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
 * One event as a handler needs it: its id (the same on every redelivery), its type and its payload. A
 * Kafka consumer's decoded envelope is one; an in-process dispatcher needs nothing more.
 */
export type DeliveredEvent<T extends EventTypeName> = Pick<ReceivedEvent<T>, 'eventId' | 'type' | 'payload'>;

/** The events that deserve a mail; the map fits `startEventConsumer`'s `handlers` as it is. */
export interface EmailEventHandlers {
  'users.v1.UserRegistered': (event: DeliveredEvent<'users.v1.UserRegistered'>) => Promise<void>;
  'orders.v1.OrderConfirmed': (event: DeliveredEvent<'orders.v1.OrderConfirmed'>) => Promise<void>;
  'orders.v1.OrderCancelled': (event: DeliveredEvent<'orders.v1.OrderCancelled'>) => Promise<void>;
}

/**
 * The events mapped to notifications: a welcome for a registered user, a receipt for a confirmed order,
 * a notice for a cancelled one. The same map serves a Kafka consumer and an in-process dispatcher; the
 * user and order topics carry other types too (OrderCreated, ...), which have no handler here.
 */
export function emailEventHandlers(notifications: Pick<NotificationUseCases, 'send'>): EmailEventHandlers {
  return {
    'users.v1.UserRegistered': async ({ eventId, payload }) => {
      annotateActiveSpan({ 'app.user.id': payload.userId, 'app.email.template': 'welcome' });
      await notifications.send(welcome(eventId, payload));
    },
    'orders.v1.OrderConfirmed': async ({ eventId, payload }) => {
      annotateActiveSpan({ 'app.order.id': payload.orderId, 'app.user.id': payload.userId });
      await notifications.send(orderConfirmed(eventId, payload));
    },
    'orders.v1.OrderCancelled': async ({ eventId, payload }) => {
      annotateActiveSpan({ 'app.order.id': payload.orderId, 'app.user.id': payload.userId });
      await notifications.send(orderCancelled(eventId, payload));
    },
  };
}
