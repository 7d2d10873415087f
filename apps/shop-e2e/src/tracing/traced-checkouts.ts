import { startTestStack, SERVICES, type TestStack } from '@shop/stack';
import { eventually, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '@shop/testing';
import {
  checkout,
  findCheckoutTrace,
  shopClient,
  tracingEnv,
  untilSpansStopArriving,
  type Checkout,
  type ShopClient,
} from '@shop/shop-client';
import { untilGatewaysListen } from '../gateways-listening';

/**
 * The real apps as processes exporting OTLP to a receiver in the test, and two checkouts placed on them,
 * one paid and one declined: what tracing.spec.ts and the rules it applies to each checkout share.
 */
export type Outcome = 'confirmed' | 'cancelled';

export interface TracedCheckouts {
  receiver: OtlpReceiver;
  stack: TestStack;
  shop: ShopClient;
  placed: Record<Outcome, Checkout>;
  /** The spans of a checkout's trace, found from the spans themselves (not from the response header). */
  traceOf(which: Outcome): { traceId: string; spans: ReceivedSpan[] };
}

/** Each checkout, with what its trace must show. */
export const CHECKOUTS = [
  { which: 'confirmed', outcome: 'succeeded', template: 'order-confirmed' },
  { which: 'cancelled', outcome: 'declined', template: 'order-cancelled' },
] as const;

export type CheckoutCase = (typeof CHECKOUTS)[number];

export const APPS = ['gateway', ...SERVICES] as const;
export const HEX32 = /^[0-9a-f]{32}$/;

/** One line per span, for failure messages that say which span broke a rule. */
export const describeSpan = (span: ReceivedSpan) => `${span.service}: ${span.name} (kind ${span.kind})`;

/**
 * Starts the shop and places the two checkouts before the file's tests (`beforeAll`), stops it after them;
 * the returned object is filled in by then.
 */
export function tracedCheckouts(): TracedCheckouts {
  const traced = {
    placed: {},
    traceOf(which: Outcome) {
      const traceId = findCheckoutTrace(traced.receiver.spans, traced.placed[which]);
      if (!traceId)
        throw new Error(`no trace holds the ${which} checkout's order ${traced.placed[which].orderId}`);
      return { traceId, spans: traced.receiver.spans.filter((span) => span.traceId === traceId) };
    },
  } as TracedCheckouts;

  const mailArrived = (email: string, orderId: string) =>
    eventually(
      () => traced.stack.smtp.mails.some((mail) => mail.to.includes(email) && mail.raw.includes(orderId)),
      30_000,
    ).then(() => undefined);

  beforeAll(async () => {
    traced.receiver = await startOtlpReceiver();
    traced.stack = await startTestStack({
      label: 'trace',
      // A card network slow enough that the checkout's stream is open before the outcome is pushed.
      env: { ...tracingEnv(traced.receiver.endpoint), CARD_NETWORK_LATENCY_MS: '500' },
    });
    traced.shop = shopClient(traced.stack.gatewayUrl);
    await untilGatewaysListen(traced.stack);
    // One after the other, so that each trace holds one checkout's work only.
    traced.placed.confirmed = await checkout(traced.shop, {
      email: `paid-${traced.stack.run}@example.com`,
      paymentMethod: 'pm_card_visa',
      waitForMail: mailArrived,
    });
    traced.placed.cancelled = await checkout(traced.shop, {
      email: `declined-${traced.stack.run}@example.com`,
      paymentMethod: 'pm_card_chargeDeclined',
      waitForMail: mailArrived,
    });
    await untilSpansStopArriving(traced.receiver.spans);
  }, 300_000);

  afterAll(async () => {
    await traced.stack?.stop();
    await traced.receiver?.stop();
  }, 60_000);

  return traced;
}
