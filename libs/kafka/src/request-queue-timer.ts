import { createRequire } from 'node:module';

/** The part of kafkajs's per-connection request queue that this file replaces (kafkajs 2.2.4). */
interface RequestQueue {
  pending: unknown[];
  /** When the broker's throttling of this connection ends, in ms since the epoch; -1 when never throttled. */
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

// kafkajs's own pace for re-checking requests that wait for a free in-flight slot.
const PENDING_RECHECK_MS = 10;

let applied = false;

/**
 * Stops kafkajs's request queues from waking every millisecond while idle. In kafkajs 2.2.4, its last
 * release, a connection's queue re-arms a timer after every check, whether or not a request waits or
 * the broker throttles it, with a negative delay that Node runs after 1 ms (and, from Node 24, warns
 * about: TimeoutNegativeWarning). Every connection of every client loops so for as long as it is open:
 * an idle app spent 3–4% of a core on these timers. The fix waits for the open upstream issues
 * (tulios/kafkajs#1556, #1704), so the method is replaced here with one that arms the timer only when
 * there is something to wait for: a pending request, or the end of a throttle. Requests that arrive
 * later are checked anyway, when they are pushed and whenever an in-flight one completes.
 */
export function stopIdleRequestQueueTimers(): void {
  if (applied) return;
  applied = true;
  const load = createRequire(require.resolve('kafkajs'));
  const queue = (load('./src/network/requestQueue') as { prototype: RequestQueue }).prototype;
  queue.scheduleCheckPendingRequests = function (this: RequestQueue) {
    if (this.throttleCheckTimeoutId) return;
    const throttledForMs = this.throttledUntil - Date.now();
    if (this.pending.length === 0 && throttledForMs <= 0) return;
    const delayMs = throttledForMs > 0 ? throttledForMs : PENDING_RECHECK_MS;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, delayMs);
  };
}
