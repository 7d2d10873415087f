import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { markFault, type FaultFlags } from '@shop/fault-flags';

export interface InjectedFaultsOptions {
  faults: Pick<FaultFlags, 'emailConsumerDelayMs' | 'emailPoisonShare'>;
}

/**
 * An event handler as the consumer runs it, with the faults injected on purpose (`npm run flags`), before
 * the use case runs, which stays untouched:
 * - `email-consumer-delay-ms` waits that long first, as an overloaded consumer would, so that lag builds up;
 * - `email-poison-share` throws, as a bug would, on that share of events. The events are picked by id, not
 *   by dice, so that every redelivery of a poisoned event fails again: it is retried, then dead-lettered.
 */
export function withInjectedFaults<E extends { eventId: string }>(
  handle: (event: E) => Promise<void>,
  { faults }: InjectedFaultsOptions,
): (event: E) => Promise<void> {
  return async (event) => {
    const delayMs = await faults.emailConsumerDelayMs();
    if (delayMs > 0) {
      markFault('email-consumer-delay-ms', { 'app.fault.delay_ms': delayMs });
      await sleep(delayMs);
    }
    const share = await faults.emailPoisonShare();
    if (share > 0 && poisonDraw(event.eventId) < share) {
      markFault('email-poison-share', { 'messaging.message.id': event.eventId });
      // A TypeError, as a slip in the code throws it: neither transient nor the message's fault, so the
      // consumer retries it a few times, then dead-letters it.
      throw new TypeError(
        `Cannot read properties of undefined (injected fault email-poison-share, event ${event.eventId})`,
      );
    }
    await handle(event);
  };
}

/** A number in [0, 1) that depends on the event id alone. */
export function poisonDraw(eventId: string): number {
  return createHash('sha256').update(eventId).digest().readUInt32BE(0) / 2 ** 32;
}
