import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ShopClient } from '@shop/shop-client';

/** The cards a checkout uses: one in four is declined, so both ends of the saga run. */
export const GOOD_CARD = 'pm_card_visa';
export const DECLINED_CARD = 'pm_card_chargeDeclined';

export interface Customer {
  email: string;
  token: string;
}

/** One HTTP answer (or a failure to get one) the stream saw, at `at` ms since the epoch. */
export interface Attempt {
  at: number;
  /** 0 when no answer came (connection refused or reset). */
  status: number;
}

export interface Checkout {
  idempotencyKey: string;
  customer: Customer;
  card: string;
  /** The order id, once a POST was accepted. */
  orderId?: string;
  acceptedAt?: number;
}

export interface CheckoutStreamOptions {
  shop: ShopClient;
  customers: readonly Customer[];
  count: number;
  perSecond: number;
  /** A checkout that is still refused this long after it began is given up (and counted). */
  giveUpAfterMs?: number;
}

export interface CheckoutStreamResult {
  checkouts: Checkout[];
  attempts: Attempt[];
}

/**
 * Places `count` orders at a steady rate, as careful clients would: a POST that fails (no answer, 503,
 * 504) is retried with backoff and the same Idempotency-Key, so a retry never places a second order.
 * Every answer is recorded, for the no-500 and time-to-recover figures.
 */
export async function runCheckoutStream(options: CheckoutStreamOptions): Promise<CheckoutStreamResult> {
  const giveUpAfterMs = options.giveUpAfterMs ?? 90_000;
  const attempts: Attempt[] = [];
  const checkouts: Checkout[] = Array.from({ length: options.count }, (_, i) => ({
    idempotencyKey: randomUUID(),
    customer: options.customers[i % options.customers.length] as Customer,
    card: i % 4 === 3 ? DECLINED_CARD : GOOD_CARD,
  }));

  const place = async (checkout: Checkout): Promise<void> => {
    const began = Date.now();
    for (let attempt = 1; Date.now() - began < giveUpAfterMs; attempt++) {
      const status = await options.shop
        .placeOrder(checkout.customer.token, checkout.card, checkout.idempotencyKey)
        .then(
          (response) => {
            if (response.status === 202) {
              checkout.orderId = response.body.id;
              checkout.acceptedAt = Date.now();
            }
            return response.status;
          },
          () => 0,
        );
      attempts.push({ at: Date.now(), status });
      if (status !== 0 && status !== 503 && status !== 504) return;
      await sleep(Math.min(100 * 2 ** attempt, 2_000));
    }
  };

  const intervalMs = 1_000 / options.perSecond;
  const start = Date.now();
  const running: Promise<void>[] = [];
  for (const [i, checkout] of checkouts.entries()) {
    const due = start + i * intervalMs;
    if (due > Date.now()) await sleep(due - Date.now());
    running.push(place(checkout));
  }
  await Promise.all(running);
  return { checkouts, attempts };
}

/** Signs up customers, retrying a refused sign-up like the stream retries a checkout. */
export async function signUpCustomers(shop: ShopClient, run: string, count: number): Promise<Customer[]> {
  const customers: Customer[] = [];
  for (let i = 0; i < count; i++) {
    const email = `chaos-${run}-${i}@example.com`;
    // Names take letters only: Customer Aa, Customer Ab, ...
    const name = `Customer ${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`;
    const { token } = await shop.signUp(email, name);
    customers.push({ email, token });
  }
  return customers;
}
