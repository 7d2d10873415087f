import { randomUUID } from 'node:crypto';
import type { PublishedEvent } from './email-service-harness';

/** Events as the users and orders services publish them; each with fresh ids unless overridden. */
export const userRegistered = (email: string, name: string): PublishedEvent<'users.v1.UserRegistered'> => {
  const userId = randomUUID();
  return {
    type: 'users.v1.UserRegistered',
    aggregateId: userId,
    payload: { userId, email, name, registeredAt: new Date() },
  };
};

const customer = (email: string) => ({ userId: randomUUID(), customerEmail: email, customerName: 'Ada' });

export const orderConfirmed = (
  email: string,
  order: { orderId?: string; totalCents?: number; currency?: string } = {},
): PublishedEvent<'orders.v1.OrderConfirmed'> => {
  const orderId = order.orderId ?? randomUUID();
  return {
    type: 'orders.v1.OrderConfirmed',
    aggregateId: orderId,
    payload: {
      orderId,
      ...customer(email),
      paymentId: randomUUID(),
      totalCents: order.totalCents ?? 2500,
      currency: order.currency ?? 'EUR',
      confirmedAt: new Date(),
    },
  };
};

export const orderCancelled = (email: string, reason: string): PublishedEvent<'orders.v1.OrderCancelled'> => {
  const orderId = randomUUID();
  return {
    type: 'orders.v1.OrderCancelled',
    aggregateId: orderId,
    payload: {
      orderId,
      ...customer(email),
      reason,
      declineCode: 'card_declined',
      totalCents: 4999,
      currency: 'EUR',
      cancelledAt: new Date(),
    },
  };
};

export const orderCreated = (email: string, orderId: string): PublishedEvent<'orders.v1.OrderCreated'> => ({
  type: 'orders.v1.OrderCreated',
  aggregateId: orderId,
  payload: {
    orderId,
    ...customer(email),
    items: [{ sku: 'sku-1', quantity: 1, unitPriceCents: 2500 }],
    totalCents: 2500,
    currency: 'EUR',
    paymentMethod: 'pm_card_visa',
    createdAt: new Date(),
  },
});
