import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls until `check` stops throwing (or returns true), for outcomes that arrive asynchronously through
 * the broker. The last failure is rethrown when time runs out, so the test says what was not reached.
 */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const result = await check();
      if (result !== false) return result;
      throw new Error('condition not met');
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(intervalMs);
    }
  }
}
