import { randomUUID } from 'node:crypto';
import type { EventDelivery, OutgoingEvent, UnitOfWork } from '@shop/messaging/ports';
import type { Payment, PaymentRepository } from './payment';
import { paymentIdForOrder } from './payment-ids';
import type { ChargeRequest, ChargeResult } from './payment-provider';
import { createPaymentUseCases, type PaymentRepositories } from './payments';

/**
 * The use case in-process, over ports kept in memory: no database, broker or span in sight. What
 * it does over Postgres and Kafka is covered by apps/payments-service/test/payments-service.spec.ts.
 */
function inMemory(answer: (request: ChargeRequest) => ChargeResult) {
  const rows = new Map<string, Payment>();
  const published: OutgoingEvent[] = [];
  const handled = new Set<string>();
  const charges: ChargeRequest[] = [];
  const payments: PaymentRepository = {
    insertIfAbsent(payment) {
      if ([...rows.values()].some((row) => row.orderId === payment.orderId))
        return Promise.resolve(undefined);
      const row = { ...payment, createdAt: new Date() };
      rows.set(row.id, row);
      return Promise.resolve(row);
    },
    findById: (id) => Promise.resolve(rows.get(id)),
    findByOrderId: (orderId) => Promise.resolve([...rows.values()].find((row) => row.orderId === orderId)),
  };
  // Commits what the work published only when the work succeeds, as a transaction would.
  const transact = async (work: Parameters<UnitOfWork<PaymentRepositories>['run']>[0]) => {
    const events: OutgoingEvent[] = [];
    const result: unknown = await work({
      repositories: { payments },
      publish: (event) => events.push(event),
    });
    published.push(...events);
    return result;
  };
  const unitOfWork: UnitOfWork<PaymentRepositories> = {
    run: (work) => transact(work) as ReturnType<typeof work>,
    async runOnce(delivery: EventDelivery, work) {
      if (handled.has(delivery.eventId)) return 'duplicate';
      await transact(work);
      handled.add(delivery.eventId);
      return 'handled';
    },
  };
  const useCases = createPaymentUseCases({
    payments,
    unitOfWork,
    provider: {
      charge(request) {
        charges.push(request);
        return Promise.resolve(answer(request));
      },
    },
    paymentEventsTopic: 'payments.v1.events',
  });
  return { useCases, rows, published, charges };
}

const anOrder = (paymentMethod = 'pm_card_visa') => ({
  orderId: randomUUID().toUpperCase(),
  userId: randomUUID(),
  amountCents: 2500,
  currency: 'EUR',
  paymentMethod,
});
const delivery = () => ({ eventId: randomUUID(), type: 'orders.v1.OrderCreated' });

describe('charging an order', () => {
  it('charges once by the payment id and announces PaymentSucceeded', async () => {
    const shop = inMemory(() => ({ outcome: 'succeeded', providerReference: 'ch_1' }));
    const order = anOrder();
    const orderId = order.orderId.toLowerCase();
    const paymentId = paymentIdForOrder(orderId);

    await expect(shop.useCases.chargeOrder(order, delivery())).resolves.toEqual({
      orderId,
      paymentId,
      outcome: 'succeeded',
    });
    expect(shop.charges).toEqual([
      {
        idempotencyKey: paymentId,
        orderId,
        amountCents: 2500,
        currency: 'EUR',
        paymentMethod: 'pm_card_visa',
      },
    ]);
    expect(shop.published.map((event) => [event.type, event.aggregateId])).toEqual([
      ['payments.v1.PaymentSucceeded', paymentId],
    ]);
  });

  it('reports a decline as an outcome, not a failure, and records and announces it', async () => {
    const shop = inMemory(() => ({ outcome: 'declined', declineCode: 'card_declined', message: 'No.' }));
    const charged = await shop.useCases.chargeOrder(anOrder('pm_card_chargeDeclined'), delivery());
    expect(charged).toMatchObject({ outcome: 'declined', declineCode: 'card_declined' });
    expect([...shop.rows.values()]).toEqual([
      expect.objectContaining({ status: 'FAILED', declineCode: 'card_declined', declineMessage: 'No.' }),
    ]);
    expect(shop.published[0]?.payload).toMatchObject({ declineCode: 'card_declined', reason: 'No.' });
  });

  it('does nothing new for an order already charged, whichever delivery asks', async () => {
    const shop = inMemory(() => ({ outcome: 'succeeded', providerReference: 'ch_1' }));
    const order = anOrder();
    await shop.useCases.chargeOrder(order, delivery());
    const again = await shop.useCases.chargeOrder(order, delivery());
    expect(again.outcome).toBe('already-charged');
    expect(shop.charges).toHaveLength(1);
    expect(shop.published).toHaveLength(1);
  });

  it('refuses an order that can never be charged, naming every bad field, and charges nothing', async () => {
    const shop = inMemory(() => ({ outcome: 'succeeded', providerReference: 'ch_1' }));
    const refusal = await shop.useCases
      .chargeOrder({ ...anOrder(), orderId: 'order-42', amountCents: 0, currency: 'eur' }, delivery())
      .catch((error: unknown) => error);
    expect(refusal).toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: [{ field: 'orderId' }, { field: 'amountCents' }, { field: 'currency' }],
    });
    expect(shop.charges).toEqual([]);
  });
});
