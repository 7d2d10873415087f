import { testLogger } from '@shop/testing';
import { handleShutdown } from './index';

describe('handleShutdown', () => {
  const logger = testLogger();

  it('stops once however often it is triggered, then exits 0', async () => {
    const stop = jest.fn(() => Promise.resolve());
    const exit = jest.fn();
    const shutdown = handleShutdown({ logger, stop, timeoutMs: 1_000, exit, signals: [] });
    await Promise.all([shutdown('SIGTERM'), shutdown('SIGINT')]);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('exits 1 when stopping fails', async () => {
    const exit = jest.fn();
    await handleShutdown({
      logger,
      stop: () => Promise.reject(new Error('pool gone')),
      timeoutMs: 1_000,
      exit,
      signals: [],
    })('SIGTERM');
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('exits 1 when stopping hangs past the timeout', async () => {
    const exit = jest.fn();
    void handleShutdown({
      logger,
      stop: () => new Promise(() => undefined),
      timeoutMs: 50,
      exit,
      signals: [],
    })('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(exit).toHaveBeenCalledWith(1);
  });
});
