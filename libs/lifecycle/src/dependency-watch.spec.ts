import { testLogger } from '@shop/testing';
import { untilAvailable, watchDependency } from './dependency-watch';

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('watchDependency', () => {
  const logger = testLogger();

  it('reports the first answer, then each change once, and nothing while it stays the same', async () => {
    let up = true;
    const changes: boolean[] = [];
    const watch = watchDependency({
      name: 'database',
      check: () => (up ? Promise.resolve() : Promise.reject(refused())),
      onChange: (available) => changes.push(available),
      logger,
      intervalMs: 10,
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      up = false;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(watch.available()).toBe(false);
      up = true;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(changes).toEqual([true, false, true]);
    } finally {
      watch.stop();
    }
  });

  it('counts a check that hangs as a failure', async () => {
    const changes: boolean[] = [];
    const watch = watchDependency({
      name: 'database',
      check: () => new Promise(() => undefined),
      onChange: (available) => changes.push(available),
      logger,
      timeoutMs: 20,
    });
    await new Promise((resolve) => setTimeout(resolve, 60));
    watch.stop();
    expect(changes).toEqual([false]);
  });
});

describe('untilAvailable', () => {
  const logger = testLogger();

  it('tries again while the dependency is away, and resolves once the work succeeds', async () => {
    let calls = 0;
    await untilAvailable(
      () => (++calls < 3 ? Promise.reject(refused()) : Promise.resolve()),
      'database',
      logger,
    );
    expect(calls).toBe(3);
  });

  it('throws at once what is not an unavailable dependency', async () => {
    const work = jest.fn(() => Promise.reject(new TypeError('a bug')));
    await expect(untilAvailable(work, 'database', logger)).rejects.toThrow('a bug');
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('gives up waiting once the app is asked to stop', async () => {
    const stopped = new AbortController();
    setTimeout(() => stopped.abort(), 30);
    await untilAvailable(() => Promise.reject(refused()), 'database', logger, stopped.signal);
    expect(stopped.signal.aborted).toBe(true);
  });
});
