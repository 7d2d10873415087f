import { AppError, invalidArgument, type ErrorDetail } from '@shop/errors';
import type { OrderLine } from './order';
import type { RequestedItem } from './order-rules';

/** What pricing needs to know of a catalog product. */
export interface CatalogPrice {
  priceCents: number;
  currency: string;
}

export interface PricedOrder {
  items: OrderLine[];
  currency: string;
  totalCents: number;
}

// Two decimals: the catalog's one currency, EUR, has two (ISO 4217 minor units).
const amount = (cents: number, currency: string): string => `${(cents / 100).toFixed(2)} ${currency}`;

/**
 * Prices the requested lines from the catalog: the shop charges its own prices, never the client's.
 * Refuses unknown skus and a currency other than the catalog's (INVALID_ARGUMENT), and an expected
 * unit price that is no longer the current one (PRICE_CHANGED), naming every line at once.
 */
export function priceOrder(
  items: readonly RequestedItem[],
  currency: string | undefined,
  prices: ReadonlyMap<string, CatalogPrice>,
): PricedOrder {
  const priced = items.flatMap((item, index) => {
    const price = prices.get(item.sku);
    return price ? [{ ...item, ...price, index }] : [];
  });
  if (priced.length < items.length) {
    const unknown = items.flatMap(({ sku }, index): ErrorDetail[] =>
      prices.has(sku) ? [] : [{ field: `items[${index}].sku`, message: `no product has sku ${sku}` }],
    );
    const skus = items.filter(({ sku }) => !prices.has(sku)).map(({ sku }) => sku);
    const message =
      skus.length === 1
        ? `Unknown sku: ${skus.join(', ')} is not in the catalog`
        : `Unknown skus: ${skus.join(', ')} are not in the catalog`;
    throw invalidArgument(message, unknown);
  }

  const currencies = [...new Set(priced.map((item) => item.currency))];
  const [catalogCurrency] = currencies;
  if (catalogCurrency === undefined || currencies.length > 1) {
    throw invalidArgument(`These products are priced in different currencies (${currencies.join(', ')})`);
  }
  if (currency !== undefined && currency !== catalogCurrency) {
    throw invalidArgument(`The catalog's prices are in ${catalogCurrency}, not ${currency}`, [
      { field: 'currency', message: `must be ${catalogCurrency}, or left out` },
    ]);
  }

  const changed = priced.filter(
    (item) => item.expectedUnitPriceCents !== undefined && item.expectedUnitPriceCents !== item.priceCents,
  );
  if (changed.length > 0) {
    const what = changed
      .map((item) => `${item.sku} now costs ${amount(item.priceCents, catalogCurrency)}`)
      .join('; ');
    throw new AppError('PRICE_CHANGED', `The price changed: ${what}. Review the order and send it again.`, {
      details: changed.map((item) => ({
        field: `items[${item.index}].unitPriceCents`,
        message: `${item.sku} costs ${item.priceCents} cents now, not ${item.expectedUnitPriceCents}`,
      })),
    });
  }

  const lines = priced.map(({ sku, quantity, priceCents }) => ({
    sku,
    quantity,
    unitPriceCents: priceCents,
  }));
  return {
    items: lines,
    currency: catalogCurrency,
    // At most 50 lines × 1000 units × a catalog price: far inside a safe integer.
    totalCents: lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0),
  };
}
