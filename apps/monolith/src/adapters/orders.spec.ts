import type { Order } from '@shop/orders-module';
import { toOrderRequest, toOrderView } from './orders';

const pending: Order = {
  id: '0e7c1f7e-6a0b-4c6e-9d33-0b8f3f3d2a11',
  userId: 'a1b7405e-f13e-40b8-b565-260c184589d5',
  status: 'PENDING',
  items: [{ sku: 'beans-huila', quantity: 2, unitPriceCents: 1_290 }],
  totalCents: 2_580,
  currency: 'EUR',
  paymentMethod: 'pm_card_visa',
  customerEmail: 'ada@example.com',
  customerName: 'Ada Lovelace',
  cancellationReason: null,
  payment: null,
  createdAt: new Date('2026-01-02T03:04:05.000Z'),
  updatedAt: new Date('2026-01-02T03:04:05.000Z'),
};

describe('toOrderView', () => {
  it('shows a pending order without its owner, the customer, an empty reason or a payment', () => {
    expect(toOrderView(pending)).toEqual({
      id: pending.id,
      status: 'PENDING',
      items: [{ sku: 'beans-huila', quantity: 2, unitPriceCents: 1_290 }],
      totalCents: 2_580,
      currency: 'EUR',
      paymentMethod: 'pm_card_visa',
      createdAt: '2026-01-02T03:04:05.000Z',
      updatedAt: '2026-01-02T03:04:05.000Z',
    });
  });

  it('shows why a cancelled order was cancelled and how its payment failed', () => {
    const view = toOrderView({
      ...pending,
      status: 'CANCELLED',
      cancellationReason: 'payment failed',
      payment: { paymentId: 'p-1', outcome: 'FAILED', declineCode: 'insufficient_funds' },
    });
    expect(view).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'payment failed',
      payment: { id: 'p-1', outcome: 'FAILED', declineCode: 'insufficient_funds' },
    });
  });

  it('leaves out the decline code of a payment that succeeded', () => {
    const view = toOrderView({
      ...pending,
      status: 'CONFIRMED',
      payment: { paymentId: 'p-2', outcome: 'SUCCEEDED', declineCode: null },
    });
    expect(view.payment).toEqual({ id: 'p-2', outcome: 'SUCCEEDED' });
  });
});

describe('toOrderRequest', () => {
  it('places the order for the caller, with the prices the client showed and no currency when none was sent', () => {
    const request = toOrderRequest(
      { userId: pending.userId, email: 'ada@example.com', accessToken: 'token' },
      {
        items: [
          { sku: 'beans-huila', quantity: 2, unitPriceCents: 1_290 },
          { sku: 'milk-jug', quantity: 1 },
        ],
        paymentMethod: 'pm_card_visa',
      },
    );
    expect(request).toEqual({
      userId: pending.userId,
      items: [
        { sku: 'beans-huila', quantity: 2, expectedUnitPriceCents: 1_290 },
        { sku: 'milk-jug', quantity: 1, expectedUnitPriceCents: undefined },
      ],
      currency: '',
      paymentMethod: 'pm_card_visa',
      idempotencyKey: '',
    });
  });
});
