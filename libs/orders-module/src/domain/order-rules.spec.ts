import { isAppError, type AppError } from '@shop/errors';
import { requestHash, validateOrderRequest, type OrderRequest } from './order-rules';
import { cancellationReason } from './payment-outcomes';

const request: OrderRequest = {
  userId: '0B3C1F52-6F4E-4C8E-9A51-2F6D9B1E7A01',
  items: [
    { sku: 'beans-huila', quantity: 3, expectedUnitPriceCents: 1_290 },
    { sku: 'pen.blue_2', quantity: 1000, expectedUnitPriceCents: undefined },
  ],
  currency: '',
  paymentMethod: 'pm_card_chargeDeclinedInsufficientFunds',
  idempotencyKey: '',
};

/** The AppError `action` throws. */
function thrown(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('order rules', () => {
  it('normalises the user id and reads empty currency and key as none', () => {
    const valid = validateOrderRequest(request);
    expect(valid.userId).toBe('0b3c1f52-6f4e-4c8e-9a51-2f6d9b1e7a01');
    expect(valid.currency).toBeUndefined();
    expect(valid.idempotencyKey).toBeUndefined();
  });

  it('names every bad field at once', () => {
    const error = thrown(() =>
      validateOrderRequest({
        ...request,
        items: [
          { sku: '-x', quantity: 1.5, expectedUnitPriceCents: 0 },
          { sku: 'milk-jug', quantity: 1, expectedUnitPriceCents: undefined },
          { sku: 'milk-jug', quantity: 2, expectedUnitPriceCents: undefined },
        ],
        currency: 'eur',
      }),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details.map((detail) => detail.field)).toEqual([
      'items[0].sku',
      'items[0].quantity',
      'items[0].unitPriceCents',
      'items[2].sku',
      'currency',
    ]);
  });

  it('hashes the same order content the same way, and any change differently', () => {
    const valid = validateOrderRequest(request);
    const same = validateOrderRequest({
      ...request,
      idempotencyKey: 'k',
      userId: request.userId.toLowerCase(),
    });
    expect(requestHash(same)).toBe(requestHash(valid));
    expect(requestHash({ ...valid, currency: 'EUR' })).not.toBe(requestHash(valid));
    const [first, second] = valid.items;
    if (!first || !second) throw new Error('two items expected');
    expect(
      requestHash({ ...valid, items: [{ ...first, expectedUnitPriceCents: undefined }, second] }),
    ).not.toBe(requestHash(valid));
    expect(requestHash({ ...valid, paymentMethod: 'pm_card_visa' })).not.toBe(requestHash(valid));
    expect(requestHash({ ...valid, items: [...valid.items].reverse() })).not.toBe(requestHash(valid));
  });
});

describe('cancellation reason', () => {
  it('tells a declined card from another failure, in words a customer reads', () => {
    expect(cancellationReason({ declineCode: 'card_declined', reason: 'Your card was declined.' })).toBe(
      'Payment declined: Your card was declined.',
    );
    expect(cancellationReason({ declineCode: '', reason: '' })).toBe(
      'Payment failed: The payment could not be completed.',
    );
  });
});
