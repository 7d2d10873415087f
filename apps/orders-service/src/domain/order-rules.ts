import { createHash } from 'node:crypto';
import { invalidArgument, type ErrorDetail } from '@shop/errors';

export interface OrderItem {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

export interface OrderRequest {
  userId: string;
  items: readonly OrderItem[];
  currency: string;
  paymentMethod: string;
  /** Empty means the client sent none. */
  idempotencyKey: string;
}

/** An order request that passed the rules, with its total computed here and never taken from the client. */
export interface ValidOrderRequest {
  userId: string;
  items: OrderItem[];
  currency: Currency;
  paymentMethod: PaymentMethod;
  totalCents: number;
  idempotencyKey: string | undefined;
}

export const MAX_ITEMS = 50;
export const MAX_QUANTITY = 1_000;
export const MAX_UNIT_PRICE_CENTS = 100_000_000;
const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// Visible ASCII only: the key arrives as an HTTP header and is compared byte for byte.
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const SUPPORTED_CURRENCIES = ['EUR', 'GBP', 'USD'] as const;
export type Currency = (typeof SUPPORTED_CURRENCIES)[number];

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

export function uuidProblem(field: string, value: string): ErrorDetail | undefined {
  return UUID.test(value) ? undefined : { field, message: 'must be a UUID' };
}

function itemProblems(item: OrderItem, index: number): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const at = `items[${index}]`;
  if (!SKU.test(item.sku)) {
    problems.push({
      field: `${at}.sku`,
      message:
        'must be 1 to 64 letters, digits, dots, underscores or hyphens, starting with a letter or digit',
    });
  }
  if (!isIntegerBetween(item.quantity, 1, MAX_QUANTITY)) {
    problems.push({ field: `${at}.quantity`, message: `must be a whole number from 1 to ${MAX_QUANTITY}` });
  }
  if (!isIntegerBetween(item.unitPriceCents, 1, MAX_UNIT_PRICE_CENTS)) {
    problems.push({
      field: `${at}.unitPriceCents`,
      message: `must be a whole number of cents from 1 to ${MAX_UNIT_PRICE_CENTS}`,
    });
  }
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
    request.items.forEach((item, index) => problems.push(...itemProblems(item, index)));
  }
  if (!isOneOf(SUPPORTED_CURRENCIES, request.currency)) {
    problems.push({ field: 'currency', message: `must be one of ${SUPPORTED_CURRENCIES.join(', ')}` });
  }
  if (!isOneOf(PAYMENT_METHODS, request.paymentMethod)) {
    problems.push({ field: 'paymentMethod', message: `must be one of ${PAYMENT_METHODS.join(', ')}` });
  }
  if (request.idempotencyKey !== '' && !IDEMPOTENCY_KEY.test(request.idempotencyKey)) {
    problems.push({ field: 'idempotencyKey', message: 'must be 1 to 255 visible ASCII characters' });
  }
  if (problems.length > 0) throw invalidArgument('The order is not valid', problems);

  const items = request.items.map(({ sku, quantity, unitPriceCents }) => ({ sku, quantity, unitPriceCents }));
  return {
    userId: request.userId.toLowerCase(),
    items,
    currency: request.currency as Currency,
    paymentMethod: request.paymentMethod as PaymentMethod,
    // At most 50 × 1000 × 10^8 = 5 × 10^12, well inside a safe integer.
    totalCents: items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0),
    idempotencyKey: request.idempotencyKey === '' ? undefined : request.idempotencyKey,
  };
}

/**
 * What makes two requests with one idempotency key "the same request": a sha256 of the order's content
 * in a fixed shape (keys in a fixed order, items as given), so formatting never matters.
 */
export function requestHash(
  request: Pick<ValidOrderRequest, 'items' | 'currency' | 'paymentMethod'>,
): string {
  const canonical = JSON.stringify({
    items: request.items.map((item) => [item.sku, item.quantity, item.unitPriceCents]),
    currency: request.currency,
    paymentMethod: request.paymentMethod,
  });
  return createHash('sha256').update(canonical).digest('hex');
}
