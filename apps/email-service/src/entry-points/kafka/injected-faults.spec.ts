import { randomUUID } from 'node:crypto';
import { classifyFailure } from '@shop/messaging';
import { poisonDraw, withInjectedFaults } from './injected-faults';

const faultsOf = (delayMs: number, poisonShare: number) => ({
  emailConsumerDelayMs: () => Promise.resolve(delayMs),
  emailPoisonShare: () => Promise.resolve(poisonShare),
});

function handler() {
  const handled: string[] = [];
  const handle = (event: { eventId: string }) => {
    handled.push(event.eventId);
    return Promise.resolve();
  };
  return { handle, handled };
}

describe('the email consumer with its injected faults', () => {
  it('handles every event untouched while both faults are off', async () => {
    const { handle, handled } = handler();
    const served = withInjectedFaults(handle, { faults: faultsOf(0, 0) });
    await served({ eventId: 'a' });
    await served({ eventId: 'b' });
    expect(handled).toEqual(['a', 'b']);
  });

  it('waits the email-consumer-delay-ms before each event', async () => {
    const { handle, handled } = handler();
    const served = withInjectedFaults(handle, { faults: faultsOf(150, 0) });
    const started = Date.now();
    await served({ eventId: 'slow' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    expect(handled).toEqual(['slow']);
  });

  it('poisons about the email-poison-share of events, each one on every redelivery, as an unknown failure', async () => {
    const { handle, handled } = handler();
    const served = withInjectedFaults(handle, { faults: faultsOf(0, 0.3) });
    const ids = Array.from({ length: 400 }, () => randomUUID());
    const failures = new Map<string, unknown>();
    for (const eventId of ids)
      await served({ eventId }).catch((error: unknown) => failures.set(eventId, error));

    expect(failures.size / ids.length).toBeGreaterThan(0.2);
    expect(failures.size / ids.length).toBeLessThan(0.4);
    expect(handled).toHaveLength(ids.length - failures.size);
    for (const [eventId, error] of failures) {
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain(`injected fault email-poison-share, event ${eventId}`);
      // Retried a few times by the consumer, then dead-lettered: never waited for as a dependency.
      expect(classifyFailure(error)).toBe('unknown');
      await expect(served({ eventId })).rejects.toThrow(TypeError); // a redelivery fails alike
      expect(poisonDraw(eventId)).toBeLessThan(0.3);
    }
  });
});
