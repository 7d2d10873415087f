import { createHash } from 'node:crypto';
import { uuidProblem } from '@shop/domain-helpers';
import { invalidArgument, type ErrorDetail } from '@shop/errors';
import { skuProblem } from './product';

/** A line of an order to place: a catalog product, how many, and optionally the price the client saw. */
export interface RequestedItem {
  sku: string;
  quantity: number;
  /** When set, the order is placed only if this is still the catalog price. */
  expectedUnitPriceCents: number | undefined;
}

export interface OrderRequest {
  userId: string;
  items: readonly RequestedItem[];
  /** Empty means the client named none: the catalog's currency. */
  currency: string;
  paymentMethod: string;
  /** Empty means the client sent none. */
  idempotencyKey: string;
}

/** An order request that passed the rules; pricing it is the catalog's part (see order-pricing.ts). */
export interface ValidOrderRequest {
  userId: string;
  items: RequestedItem[];
  currency: string | undefined;
  paymentMethod: PaymentMethod;
  idempotencyKey: string | undefined;
}

export const MAX_ITEMS = 50;
export const MAX_QUANTITY = 1_000;
export const MAX_UNIT_PRICE_CENTS = 100_000_000;
// Visible ASCII only: the key arrives as an HTTP header and is compared byte for byte.
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

const CURRENCY = /^[A-Z]{3}$/;

/**
 * The payment methods a client may choose. These are the card processors' well-known sandbox test
 * tokens (a card that pays, one that is declined, one declined for insufficient funds): the shop only
 * ever charges a simulated card network, and these let a person try each outcome of checkout. A real
 * integration would accept the processor's tokens for real cards instead.
 */
export const PAYMENT_METHODS = [
  'pm_card_visa',
  'pm_card_chargeDeclined',
  'pm_card_chargeDeclinedInsufficientFunds',
] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

const isOneOf = <T extends string>(values: readonly T[], value: string): value is T =>
  (values as readonly string[]).includes(value);

const isIntegerBetween = (value: number, min: number, max: number): boolean =>
  Number.isInteger(value) && value >= min && value <= max;

function itemProblems(item: RequestedItem, at: string): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const sku = skuProblem(`${at}.sku`, item.sku);
  if (sku) problems.push(sku);
  if (!isIntegerBetween(item.quantity, 1, MAX_QUANTITY)) {
    problems.push({ field: `${at}.quantity`, message: `must be a whole number from 1 to ${MAX_QUANTITY}` });
  }
  const expected = item.expectedUnitPriceCents;
  if (expected !== undefined && !isIntegerBetween(expected, 1, MAX_UNIT_PRICE_CENTS)) {
    // The client's name for the expected price, as the HTTP body spells it.
    problems.push({
      field: `${at}.unitPriceCents`,
      message: `must be a whole number of cents from 1 to ${MAX_UNIT_PRICE_CENTS}`,
    });
  }
  return problems;
}

/**
 * A sku at most once per order: one line per product keeps the stored order and a price refusal
 * unambiguous, and a client that means more of it says so in the quantity.
 */
function repeatedSkuProblems(items: readonly RequestedItem[]): ErrorDetail[] {
  const firstAt = new Map<string, number>();
  const problems: ErrorDetail[] = [];
  items.forEach(({ sku }, index) => {
    const first = firstAt.get(sku);
    if (first === undefined) firstAt.set(sku, index);
    else {
      problems.push({
        field: `items[${index}].sku`,
        message: `${sku} is already ordered in items[${first}]; order a sku once, with the quantity you want`,
      });
    }
  });
  return problems;
}

/** Checks an order request, or throws INVALID_ARGUMENT naming every bad field. */
export function validateOrderRequest(request: OrderRequest): ValidOrderRequest {
  const problems: ErrorDetail[] = [];
  const userProblem = uuidProblem('userId', request.userId);
  if (userProblem) problems.push(userProblem);
  if (request.items.length < 1 || request.items.length > MAX_ITEMS) {
    problems.push({ field: 'items', message: `must hold 1 to ${MAX_ITEMS} items` });
  } else {
    request.items.forEach((item, index) => problems.push(...itemProblems(item, `items[${index}]`)));
    problems.push(...repeatedSkuProblems(request.items));
  }
  if (request.currency !== '' && !CURRENCY.test(request.currency)) {
    problems.push({ field: 'currency', message: 'must be an ISO 4217 code such as EUR, or left out' });
  }
  if (!isOneOf(PAYMENT_METHODS, request.paymentMethod)) {
    problems.push({ field: 'paymentMethod', message: `must be one of ${PAYMENT_METHODS.join(', ')}` });
  }
  if (request.idempotencyKey !== '' && !IDEMPOTENCY_KEY.test(request.idempotencyKey)) {
    problems.push({ field: 'idempotencyKey', message: 'must be 1 to 255 visible ASCII characters' });
  }
  if (problems.length > 0) throw invalidArgument('The order is not valid', problems);

  return {
    userId: request.userId.toLowerCase(),
    items: request.items.map(({ sku, quantity, expectedUnitPriceCents }) => ({
      sku,
      quantity,
      expectedUnitPriceCents,
    })),
    currency: request.currency === '' ? undefined : request.currency,
    paymentMethod: request.paymentMethod as PaymentMethod,
    idempotencyKey: request.idempotencyKey === '' ? undefined : request.idempotencyKey,
  };
}

/**
 * What makes two requests with one idempotency key "the same request": a sha256 of the order as the
 * client asked for it, in a fixed shape (keys in a fixed order, items as given), so formatting never
 * matters. Not the prices charged: a retry after a price change is still the same request.
 */
export function requestHash(
  request: Pick<ValidOrderRequest, 'items' | 'currency' | 'paymentMethod'>,
): string {
  const canonical = JSON.stringify({
    items: request.items.map((item) => [item.sku, item.quantity, item.expectedUnitPriceCents ?? null]),
    currency: request.currency ?? null,
    paymentMethod: request.paymentMethod,
  });
  return createHash('sha256').update(canonical).digest('hex');
}
