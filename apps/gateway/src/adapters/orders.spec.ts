import { ordersV1 } from '@shop/contracts';
import { toCreateOrderRequest, toOrderJson } from './orders';

const { OrderStatus, PaymentOutcome } = ordersV1;

const pending: ordersV1.Order = {
  id: '0e7c1f7e-6a0b-4c6e-9d33-0b8f3f3d2a11',
  userId: 'a1b7405e-f13e-40b8-b565-260c184589d5',
  status: OrderStatus.ORDER_STATUS_PENDING,
  items: [{ sku: 'SKU-1', quantity: 2, unitPriceCents: 1_250 }],
  totalCents: 2_500,
  currency: 'EUR',
  paymentMethod: 'pm_card_visa',
  cancellationReason: '',
  payment: undefined,
  createdAt: new Date('2026-01-02T03:04:05.000Z'),
  updatedAt: new Date('2026-01-02T03:04:05.000Z'),
};

describe('toOrderJson', () => {
  it('shows a pending order without the owner, the empty reason or a payment', () => {
    expect(toOrderJson(pending)).toEqual({
      id: pending.id,
      status: 'PENDING',
      items: [{ sku: 'SKU-1', quantity: 2, unitPriceCents: 1_250 }],
      totalCents: 2_500,
      currency: 'EUR',
      paymentMethod: 'pm_card_visa',
      createdAt: '2026-01-02T03:04:05.000Z',
      updatedAt: '2026-01-02T03:04:05.000Z',
    });
  });

  it('shows why a cancelled order was cancelled and how its payment failed', () => {
    const json = toOrderJson({
      ...pending,
      status: OrderStatus.ORDER_STATUS_CANCELLED,
      cancellationReason: 'payment failed',
      payment: {
        paymentId: 'p-1',
        outcome: PaymentOutcome.PAYMENT_OUTCOME_FAILED,
        declineCode: 'insufficient_funds',
      },
      updatedAt: new Date('2026-01-02T03:04:06.000Z'),
    });
    expect(json).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'payment failed',
      payment: { id: 'p-1', outcome: 'FAILED', declineCode: 'insufficient_funds' },
      updatedAt: '2026-01-02T03:04:06.000Z',
    });
  });

  it('leaves out the decline code of a payment that succeeded', () => {
    const json = toOrderJson({
      ...pending,
      status: OrderStatus.ORDER_STATUS_CONFIRMED,
      payment: { paymentId: 'p-2', outcome: PaymentOutcome.PAYMENT_OUTCOME_SUCCEEDED, declineCode: '' },
    });
    expect(json.payment).toEqual({ id: 'p-2', outcome: 'SUCCEEDED' });
  });

  it.each([
    ['no order', undefined],
    ['an unspecified status', { ...pending, status: OrderStatus.ORDER_STATUS_UNSPECIFIED }],
    ['no creation time', { ...pending, createdAt: undefined }],
  ])('treats an answer with %s as a bug (INTERNAL, not shown to clients)', (_label, order) => {
    const failure = (() => {
      try {
        toOrderJson(order);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(failure).toMatchObject({ code: 'INTERNAL', operational: false });
  });
});

describe('toCreateOrderRequest', () => {
  it('asks for catalog lines, passing on the prices the client expects and no currency when none was sent', () => {
    const request = toCreateOrderRequest({
      items: [
        { sku: 'beans-huila', quantity: 2, unitPriceCents: 1_290 },
        { sku: 'milk-jug', quantity: 1 },
      ],
      paymentMethod: 'pm_card_visa',
    });
    expect(request).toEqual({
      items: [],
      requestedItems: [
        { sku: 'beans-huila', quantity: 2, expectedUnitPriceCents: 1_290 },
        { sku: 'milk-jug', quantity: 1, expectedUnitPriceCents: undefined },
      ],
      currency: '',
      paymentMethod: 'pm_card_visa',
      idempotencyKey: '',
    });
  });
});
