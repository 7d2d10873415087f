import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChargeRequest, ChargeResult, PaymentProvider } from '../domain/payment-provider';

/**
 * The only simulated part of the shop: a stand-in for the outside card network, answering the way card
 * processors' sandboxes do for their test tokens. Everything else in the system is real.
 */
export const TEST_CARDS = {
  succeeds: 'pm_card_visa',
  declined: 'pm_card_chargeDeclined',
  insufficientFunds: 'pm_card_chargeDeclinedInsufficientFunds',
} as const;

const DECLINES: Readonly<Record<string, { declineCode: string; message: string }>> = {
  [TEST_CARDS.declined]: { declineCode: 'card_declined', message: 'Your card was declined.' },
  [TEST_CARDS.insufficientFunds]: {
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
};

const INVALID_PAYMENT_METHOD = {
  declineCode: 'invalid_payment_method',
  message: 'The payment method is not valid.',
} as const;

export interface SimulatedCardNetworkOptions {
  latencyMs: number;
  /** Each answer takes latencyMs ± jitterMs, uniformly spread, never less than zero. */
  jitterMs: number;
  /**
   * How many idempotency keys are remembered; the oldest are forgotten first, as processors expire keys
   * after a while. Bounded so that a long load test cannot grow the process without limit.
   */
  rememberedKeys?: number;
  /** The clock and the dice, replaceable so that a test can see the delays without waiting for them. */
  delay?: (ms: number) => Promise<unknown>;
  random?: () => number;
}

export function createSimulatedCardNetwork(options: SimulatedCardNetworkOptions): PaymentProvider {
  const delay = options.delay ?? ((ms: number) => sleep(ms));
  const random = options.random ?? Math.random;
  const rememberedKeys = options.rememberedKeys ?? 100_000;
  // The promise is remembered, not the result, so concurrent charges with one key share one answer.
  const results = new Map<string, Promise<ChargeResult>>();

  const respond = async (request: ChargeRequest): Promise<ChargeResult> => {
    const jitter = (random() * 2 - 1) * options.jitterMs;
    await delay(Math.max(0, Math.round(options.latencyMs + jitter)));
    if (request.paymentMethod === TEST_CARDS.succeeds) {
      return { outcome: 'succeeded', providerReference: `ch_${randomBytes(12).toString('hex')}` };
    }
    return { outcome: 'declined', ...(DECLINES[request.paymentMethod] ?? INVALID_PAYMENT_METHOD) };
  };

  return {
    charge(request) {
      const remembered = results.get(request.idempotencyKey);
      if (remembered) return remembered;
      const result = respond(request);
      results.set(request.idempotencyKey, result);
      // An answer that never came is not remembered: the caller's retry must reach the network again.
      void result.catch(() => results.delete(request.idempotencyKey));
      if (results.size > rememberedKeys) {
        const oldest = results.keys().next();
        if (!oldest.done) results.delete(oldest.value);
      }
      return result;
    },
  };
}
