import { randomUUID } from 'node:crypto';
import type { Notification } from './domain/notifications';
import { emailEventHandlers } from './events';

/** The handlers over a notifications use case that only keeps what it was asked to send. */
function handlersAskingFor() {
  const asked: Notification[] = [];
  const handlers = emailEventHandlers({
    send(notification) {
      asked.push(notification);
      return Promise.resolve('sent');
    },
  });
  return { handlers, asked };
}

const order = {
  orderId: '3f2c1d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  userId: randomUUID(),
  totalCents: 4180,
  currency: 'EUR',
  customerEmail: 'ada@example.com',
  customerName: 'Ada Lovelace',
};

describe('email event handlers', () => {
  it('ask for a welcome mail to a registered user, the event id as the notification id', async () => {
    const { handlers, asked } = handlersAskingFor();
    const eventId = randomUUID();
    await handlers['users.v1.UserRegistered']({
      eventId,
      type: 'users.v1.UserRegistered',
      payload: { userId: randomUUID(), email: 'grace@example.com', name: 'Grace', registeredAt: new Date() },
    });
    expect(asked).toEqual([
      { id: eventId, template: 'welcome', to: { email: 'grace@example.com', name: 'Grace' } },
    ]);
  });

  it("ask for a receipt of a confirmed order, to its customer, with the order's total", async () => {
    const { handlers, asked } = handlersAskingFor();
    const eventId = randomUUID();
    await handlers['orders.v1.OrderConfirmed']({
      eventId,
      type: 'orders.v1.OrderConfirmed',
      payload: { ...order, paymentId: randomUUID(), confirmedAt: new Date() },
    });
    expect(asked).toEqual([
      {
        id: eventId,
        template: 'order-confirmed',
        to: { email: 'ada@example.com', name: 'Ada Lovelace' },
        data: { orderId: order.orderId, totalCents: 4180, currency: 'EUR' },
      },
    ]);
  });

  it('ask for a notice of a cancelled order that tells the reason', async () => {
    const { handlers, asked } = handlersAskingFor();
    const eventId = randomUUID();
    await handlers['orders.v1.OrderCancelled']({
      eventId,
      type: 'orders.v1.OrderCancelled',
      payload: {
        ...order,
        reason: 'Your card was declined.',
        declineCode: 'card_declined',
        cancelledAt: new Date(),
      },
    });
    expect(asked).toEqual([
      {
        id: eventId,
        template: 'order-cancelled',
        to: { email: 'ada@example.com', name: 'Ada Lovelace' },
        data: {
          orderId: order.orderId,
          reason: 'Your card was declined.',
          totalCents: 4180,
          currency: 'EUR',
        },
      },
    ]);
  });

  it('give the same notification id to every delivery of one event, so one event is one mail', async () => {
    const { handlers, asked } = handlersAskingFor();
    const delivery = {
      eventId: randomUUID(),
      type: 'users.v1.UserRegistered' as const,
      payload: { userId: randomUUID(), email: 'linus@example.com', name: 'Linus', registeredAt: new Date() },
    };
    await handlers['users.v1.UserRegistered'](delivery);
    await handlers['users.v1.UserRegistered'](delivery);
    expect(asked.map((notification) => notification.id)).toEqual([delivery.eventId, delivery.eventId]);
  });
});
