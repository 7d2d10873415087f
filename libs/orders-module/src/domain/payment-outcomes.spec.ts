import { randomUUID } from 'node:crypto';
import { isAppError, type AppError } from '@shop/errors';
import { ADA, inMemoryOrders, TOPIC } from '../../test/in-memory-orders';

const delivery = (type = 'payments.v1.PaymentSucceeded') => ({ eventId: randomUUID(), type });

async function refusal(work: Promise<unknown>): Promise<AppError> {
  try {
    await work;
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

/** A shop with one PENDING order of Ada's, and the announcement of it already out of the way. */
async function withPendingOrder() {
  const shop = inMemoryOrders();
  const { order } = await shop.useCases.createOrder({
    userId: ADA.id,
    items: [{ sku: 'beans-huila', quantity: 1, expectedUnitPriceCents: undefined }],
    currency: '',
    paymentMethod: 'pm_card_visa',
    idempotencyKey: '',
  });
  shop.published.length = 0;
  return { shop, order };
}

describe('settling an order on its payment', () => {
  it('confirms a PENDING order and announces OrderConfirmed', async () => {
    const { shop, order } = await withPendingOrder();
    const paymentId = randomUUID();
    const settled = await shop.outcomes.paymentSucceeded(
      { orderId: order.id, paymentId, amountCents: order.totalCents },
      delivery(),
    );

    expect(settled).toMatchObject({ result: 'settled', order: { id: order.id, status: 'CONFIRMED' } });
    expect(settled).not.toHaveProperty('chargedOtherAmountCents');
    expect(shop.rows()[0]).toMatchObject({
      status: 'CONFIRMED',
      payment: { paymentId, outcome: 'SUCCEEDED', declineCode: null },
      cancellationReason: null,
    });
    expect(shop.published).toHaveLength(1);
    expect(shop.published[0]).toMatchObject({
      topic: TOPIC,
      type: 'orders.v1.OrderConfirmed',
      aggregateId: order.id,
      payload: { orderId: order.id, paymentId, customerEmail: ADA.email },
    });
  });

  it('cancels a PENDING order with the reason, and announces OrderCancelled', async () => {
    const { shop, order } = await withPendingOrder();
    const paymentId = randomUUID();
    const failed = {
      orderId: order.id,
      paymentId,
      declineCode: 'card_declined',
      reason: 'Your card was declined.',
    };
    await shop.outcomes.paymentFailed(failed, delivery('payments.v1.PaymentFailed'));

    const reason = 'Payment declined: Your card was declined.';
    expect(shop.rows()[0]).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: reason,
      payment: { paymentId, outcome: 'FAILED', declineCode: 'card_declined' },
    });
    expect(shop.published).toHaveLength(1);
    expect(shop.published[0]).toMatchObject({
      type: 'orders.v1.OrderCancelled',
      payload: { reason, declineCode: 'card_declined' },
    });
  });

  it('applies one delivery once, and lets a late outcome for a settled order change nothing', async () => {
    const { shop, order } = await withPendingOrder();
    const payment = { orderId: order.id, paymentId: randomUUID(), amountCents: order.totalCents };
    const first = delivery();
    await shop.outcomes.paymentSucceeded(payment, first);

    await expect(shop.outcomes.paymentSucceeded(payment, first)).resolves.toEqual({
      result: 'duplicate',
      orderId: order.id,
    });
    const late = await shop.outcomes.paymentFailed(
      { ...payment, declineCode: 'card_declined', reason: '' },
      delivery('payments.v1.PaymentFailed'),
    );
    expect(late).toMatchObject({ result: 'already-final', order: { status: 'CONFIRMED' } });
    expect(shop.published.map((event) => event.type)).toEqual(['orders.v1.OrderConfirmed']);
  });

  it('says when a payment charged another amount than the order total', async () => {
    const { shop, order } = await withPendingOrder();
    const settled = await shop.outcomes.paymentSucceeded(
      { orderId: order.id, paymentId: randomUUID(), amountCents: order.totalCents + 1 },
      delivery(),
    );
    expect(settled).toMatchObject({ result: 'settled', chargedOtherAmountCents: order.totalCents + 1 });
  });

  it('refuses an outcome for an unknown order without recording the delivery, so it can be retried', async () => {
    const { shop } = await withPendingOrder();
    const payment = { orderId: randomUUID(), paymentId: randomUUID(), amountCents: 100 };
    const once = delivery();
    expect((await refusal(shop.outcomes.paymentSucceeded(payment, once))).code).toBe('NOT_FOUND');
    expect((await refusal(shop.outcomes.paymentSucceeded(payment, once))).code).toBe('NOT_FOUND');
    expect(shop.published).toEqual([]);
  });

  it('refuses an outcome that names no valid order or payment', async () => {
    const { shop } = await withPendingOrder();
    const error = await refusal(
      shop.outcomes.paymentSucceeded(
        { orderId: 'order-1', paymentId: 'pay-1', amountCents: 100 },
        delivery(),
      ),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details.map((detail) => detail.field)).toEqual(['orderId', 'paymentId']);
  });
});
