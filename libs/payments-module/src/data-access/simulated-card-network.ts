import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { markFault, type FaultFlags } from '@shop/fault-flags';
import { inClientSpan } from '@shop/telemetry';
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

// A decline the network makes up on purpose: the code is a real one, the message says it was injected.
export const INJECTED_DECLINE = {
  declineCode: 'card_declined',
  message: 'Your card was declined. (injected fault card-decline-share)',
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
  /** Faults injected on purpose (`npm run flags`), here at the outside edge where real ones happen. */
  faults?: Pick<FaultFlags, 'cardDeclineShare' | 'cardLatencyMs' | 'cardNetworkDown'>;
}

/** What a card network that cannot be reached looks like to the caller: a dependency away, so transient. */
export class CardNetworkUnavailableError extends Error {
  override readonly name = 'CardNetworkUnavailableError';
  // The code @shop/errors reads as "dependency unavailable": consumers redeliver instead of dead-lettering.
  readonly code = 'UNAVAILABLE';
}

export function createSimulatedCardNetwork(options: SimulatedCardNetworkOptions): PaymentProvider {
  const delay = options.delay ?? ((ms: number) => sleep(ms));
  const random = options.random ?? Math.random;
  const rememberedKeys = options.rememberedKeys ?? 100_000;
  // The promise is remembered, not the result, so concurrent charges with one key share one answer.
  const results = new Map<string, Promise<ChargeResult>>();
  const faults = options.faults;

  const respond = async (request: ChargeRequest): Promise<ChargeResult> => {
    if (await faults?.cardNetworkDown()) {
      markFault('card-network-down');
      // Thrown inside the charge span, which records it and sets its status to ERROR.
      throw new CardNetworkUnavailableError('card network unreachable (injected fault card-network-down)');
    }
    const addedLatencyMs = (await faults?.cardLatencyMs()) ?? 0;
    if (addedLatencyMs > 0) markFault('card-latency-ms', { 'app.fault.latency_ms': addedLatencyMs });
    const jitter = (random() * 2 - 1) * options.jitterMs;
    await delay(Math.max(0, Math.round(options.latencyMs + addedLatencyMs + jitter)));
    const declineShare = (await faults?.cardDeclineShare()) ?? 0;
    if (declineShare > 0 && random() < declineShare) {
      markFault('card-decline-share');
      return { outcome: 'declined', ...INJECTED_DECLINE };
    }
    if (request.paymentMethod === TEST_CARDS.succeeds) {
      return { outcome: 'succeeded', providerReference: `ch_${randomBytes(12).toString('hex')}` };
    }
    return { outcome: 'declined', ...(DECLINES[request.paymentMethod] ?? INVALID_PAYMENT_METHOD) };
  };

  return {
    charge(request) {
      const remembered = results.get(request.idempotencyKey);
      if (remembered) return remembered;
      // The round trip to the network, as a CLIENT span (a remembered answer makes no call, so no span).
      const result = inClientSpan('card-network charge', { 'peer.service': 'card-network' }, () =>
        respond(request),
      );
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
