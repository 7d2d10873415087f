import { isAppError, type AppError } from '@shop/errors';
import { priceOrder, type CatalogPrice } from './order-pricing';

const prices = new Map<string, CatalogPrice>([
  ['beans-huila', { priceCents: 1_290, currency: 'EUR' }],
  ['milk-jug', { priceCents: 1_900, currency: 'EUR' }],
]);

function thrown(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('order pricing', () => {
  it('charges catalog prices and totals them, in the catalog currency', () => {
    const priced = priceOrder(
      [
        { sku: 'beans-huila', quantity: 3, expectedUnitPriceCents: 1_290 },
        { sku: 'milk-jug', quantity: 1, expectedUnitPriceCents: undefined },
      ],
      undefined,
      prices,
    );
    expect(priced).toEqual({
      items: [
        { sku: 'beans-huila', quantity: 3, unitPriceCents: 1_290 },
        { sku: 'milk-jug', quantity: 1, unitPriceCents: 1_900 },
      ],
      currency: 'EUR',
      totalCents: 3 * 1_290 + 1_900,
    });
  });

  it('names every sku the catalog lacks', () => {
    const error = thrown(() =>
      priceOrder(
        [
          { sku: 'tea', quantity: 1, expectedUnitPriceCents: undefined },
          { sku: 'milk-jug', quantity: 1, expectedUnitPriceCents: 5 },
        ],
        undefined,
        prices,
      ),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe('Unknown sku: tea is not in the catalog');
    expect(error.details).toEqual([{ field: 'items[0].sku', message: 'no product has sku tea' }]);
  });

  it('refuses another currency than the catalog’s before any price check', () => {
    const error = thrown(() =>
      priceOrder([{ sku: 'milk-jug', quantity: 1, expectedUnitPriceCents: 5 }], 'USD', prices),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details).toEqual([{ field: 'currency', message: 'must be EUR, or left out' }]);
  });

  it('refuses expected prices that changed as PRICE_CHANGED, with each sku and its current price', () => {
    const error = thrown(() =>
      priceOrder(
        [
          { sku: 'beans-huila', quantity: 1, expectedUnitPriceCents: 1_250 },
          { sku: 'milk-jug', quantity: 1, expectedUnitPriceCents: 2_000 },
        ],
        'EUR',
        prices,
      ),
    );
    expect(error.code).toBe('PRICE_CHANGED');
    expect(error.message).toBe(
      'The price changed: beans-huila now costs 12.90 EUR; milk-jug now costs 19.00 EUR. ' +
        'Review the order and send it again.',
    );
    expect(error.details.map((detail) => detail.field)).toEqual([
      'items[0].unitPriceCents',
      'items[1].unitPriceCents',
    ]);
  });
});
