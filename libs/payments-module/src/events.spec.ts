import { randomUUID } from 'node:crypto';
import type { EventMessage } from '@shop/contracts';
import type { EventDelivery } from '@shop/messaging/ports';
import type { OrderToCharge } from './domain/order-to-charge';
import type { ChargeOutcome } from './domain/payments';
import { paymentEventHandlers } from './events';

const orderCreated = (): EventMessage<'orders.v1.OrderCreated'> => ({
  orderId: randomUUID(),
  userId: randomUUID(),
  items: [],
  totalCents: 4180,
  currency: 'EUR',
  paymentMethod: 'pm_card_visa',
  customerEmail: 'ada@example.com',
  customerName: 'Ada Lovelace',
  createdAt: new Date(),
});

describe('payment event handlers', () => {
  it('charge the order an OrderCreated announces, its total as the amount, the event as the delivery', async () => {
    const asked: [OrderToCharge, EventDelivery][] = [];
    const handlers = paymentEventHandlers({
      chargeOrder(order, delivery): Promise<ChargeOutcome> {
        asked.push([order, delivery]);
        return Promise.resolve({ orderId: order.orderId, paymentId: randomUUID(), outcome: 'succeeded' });
      },
    });
    const payload = orderCreated();
    const eventId = randomUUID();

    await handlers['orders.v1.OrderCreated']({ eventId, type: 'orders.v1.OrderCreated', payload });

    expect(asked).toEqual([
      [
        {
          orderId: payload.orderId,
          userId: payload.userId,
          amountCents: 4180,
          currency: 'EUR',
          paymentMethod: 'pm_card_visa',
        },
        { eventId, type: 'orders.v1.OrderCreated' },
      ],
    ]);
  });

  it('let a refusal of the use case reach the caller, which decides to retry or dead-letter', async () => {
    const handlers = paymentEventHandlers({
      chargeOrder: () => Promise.reject(Object.assign(new Error('bad order'), { code: 'INVALID_ARGUMENT' })),
    });
    await expect(
      handlers['orders.v1.OrderCreated']({
        eventId: randomUUID(),
        type: 'orders.v1.OrderCreated',
        payload: orderCreated(),
      }),
    ).rejects.toThrow('bad order');
  });
});
