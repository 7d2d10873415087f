import { classifyFailure } from '@shop/messaging';
import {
  CardNetworkUnavailableError,
  createSimulatedCardNetwork,
  INJECTED_DECLINE,
  TEST_CARDS,
} from './simulated-card-network';

const charge = (paymentMethod: string, idempotencyKey = `key-${paymentMethod}-${Math.random()}`) => ({
  idempotencyKey,
  orderId: '3f2c1d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  amountCents: 2500,
  currency: 'EUR',
  paymentMethod,
});

describe('simulated card network', () => {
  const network = createSimulatedCardNetwork({ latencyMs: 0, jitterMs: 0 });

  it('charges the test card that always succeeds, with a processor reference', async () => {
    const result = await network.charge(charge(TEST_CARDS.succeeds));
    expect(result.outcome).toBe('succeeded');
    expect(result.outcome === 'succeeded' && result.providerReference).toMatch(/^ch_\w+$/);
  });

  it.each([
    [TEST_CARDS.declined, 'card_declined', 'Your card was declined.'],
    [TEST_CARDS.insufficientFunds, 'insufficient_funds', 'Your card has insufficient funds.'],
    ['pm_card_unknown', 'invalid_payment_method', 'The payment method is not valid.'],
    ['', 'invalid_payment_method', 'The payment method is not valid.'],
  ])('declines "%s" with %s', async (paymentMethod, declineCode, message) => {
    await expect(network.charge(charge(paymentMethod))).resolves.toEqual({
      outcome: 'declined',
      declineCode,
      message,
    });
  });

  it('answers a repeated idempotency key with the first result, even when the request differs', async () => {
    const first = await network.charge(charge(TEST_CARDS.succeeds, 'same-key'));
    const concurrent = await Promise.all([
      network.charge(charge(TEST_CARDS.succeeds, 'same-key')),
      network.charge(charge(TEST_CARDS.declined, 'same-key')),
    ]);
    expect(concurrent).toEqual([first, first]);
    const other = await network.charge(charge(TEST_CARDS.succeeds, 'other-key'));
    expect(other).not.toEqual(first);
  });

  it('forgets the oldest keys beyond the ones it remembers', async () => {
    const small = createSimulatedCardNetwork({ latencyMs: 0, jitterMs: 0, rememberedKeys: 1 });
    const first = await small.charge(charge(TEST_CARDS.succeeds, 'a'));
    await small.charge(charge(TEST_CARDS.succeeds, 'b'));
    expect(await small.charge(charge(TEST_CARDS.succeeds, 'a'))).not.toEqual(first);
  });

  it('waits latency ± jitter, never less than zero, and only once per idempotency key', async () => {
    const delays: number[] = [];
    const withDice = (roll: number, latencyMs: number, jitterMs: number) =>
      createSimulatedCardNetwork({
        latencyMs,
        jitterMs,
        random: () => roll,
        delay: (ms) => {
          delays.push(ms);
          return Promise.resolve();
        },
      });
    await withDice(0, 50, 20).charge(charge(TEST_CARDS.succeeds));
    await withDice(0.5, 50, 20).charge(charge(TEST_CARDS.succeeds));
    await withDice(0.999_999, 50, 20).charge(charge(TEST_CARDS.succeeds));
    await withDice(0, 10, 30).charge(charge(TEST_CARDS.succeeds));
    const remembering = withDice(0.5, 50, 20);
    await remembering.charge(charge(TEST_CARDS.succeeds, 'k'));
    await remembering.charge(charge(TEST_CARDS.succeeds, 'k'));
    expect(delays).toEqual([30, 50, 70, 0, 50]);
  });

  it('does not remember a charge whose answer never came, so a retry reaches the network again', async () => {
    let attempts = 0;
    const flaky = createSimulatedCardNetwork({
      latencyMs: 0,
      jitterMs: 0,
      delay: () => (++attempts === 1 ? Promise.reject(new Error('connection reset')) : Promise.resolve()),
    });
    await expect(flaky.charge(charge(TEST_CARDS.succeeds, 'k'))).rejects.toThrow('connection reset');
    await expect(flaky.charge(charge(TEST_CARDS.succeeds, 'k'))).resolves.toMatchObject({
      outcome: 'succeeded',
    });
  });
});

describe('simulated card network with injected faults', () => {
  const faults = (values: { declineShare?: number; latencyMs?: number; down?: boolean }) => ({
    cardDeclineShare: () => Promise.resolve(values.declineShare ?? 0),
    cardLatencyMs: () => Promise.resolve(values.latencyMs ?? 0),
    cardNetworkDown: () => Promise.resolve(values.down ?? false),
  });

  it('declines every charge, marked as injected, when the decline share is 1', async () => {
    const network = createSimulatedCardNetwork({
      latencyMs: 0,
      jitterMs: 0,
      faults: faults({ declineShare: 1 }),
    });
    const results = await Promise.all([1, 2, 3].map(() => network.charge(charge(TEST_CARDS.succeeds))));
    expect(results).toEqual([1, 2, 3].map(() => ({ outcome: 'declined', ...INJECTED_DECLINE })));
    expect(INJECTED_DECLINE.message).toMatch(/injected fault card-decline-share/);
  });

  it('declines about the share asked for', async () => {
    let dice = 0;
    const network = createSimulatedCardNetwork({
      latencyMs: 0,
      jitterMs: 0,
      random: () => (dice++ % 10) / 10,
      faults: faults({ declineShare: 0.3 }),
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, () => network.charge(charge(TEST_CARDS.succeeds))),
    );
    // Each charge rolls twice (jitter, then decline): with the dice above, 3 of 10 decline rolls are < 0.3.
    expect(results.filter((result) => result.outcome === 'declined')).toHaveLength(3);
  });

  it('adds the injected latency to every answer', async () => {
    const delays: number[] = [];
    const network = createSimulatedCardNetwork({
      latencyMs: 50,
      jitterMs: 0,
      delay: (ms) => Promise.resolve(delays.push(ms)),
      faults: faults({ latencyMs: 2000 }),
    });
    await network.charge(charge(TEST_CARDS.succeeds));
    expect(delays).toEqual([2050]);
  });

  it('fails as a transient error while the network is down, and charges once it is back', async () => {
    const state = { down: true };
    const network = createSimulatedCardNetwork({
      latencyMs: 0,
      jitterMs: 0,
      faults: { ...faults({}), cardNetworkDown: () => Promise.resolve(state.down) },
    });
    const failure = await network.charge(charge(TEST_CARDS.succeeds, 'key-down')).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CardNetworkUnavailableError);
    expect(classifyFailure(failure)).toBe('transient');

    state.down = false;
    await expect(network.charge(charge(TEST_CARDS.succeeds, 'key-down'))).resolves.toMatchObject({
      outcome: 'succeeded',
    });
  });
});
