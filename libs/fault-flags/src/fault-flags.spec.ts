import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@shop/logger';
import { openFaultFlags } from './fault-flags';
import { readFlagsFile, setFlag, writeFlagsFile } from './flags-file';

const REPO_FILE = join(__dirname, '../../../deploy/flags/faults.flagd.json');

function fakeLogger() {
  const errors: string[] = [];
  const logger = {
    error: (message: string) => errors.push(message),
    warn: () => undefined,
    info: () => undefined,
    debug: () => undefined,
    child: () => logger,
  };
  return { logger: logger as unknown as Logger, errors };
}

async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > withinMs) throw new Error(`not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

describe('fault flags', () => {
  let file: string;
  beforeEach(() => {
    file = join(mkdtempSync(join(tmpdir(), 'fault-flags-')), 'faults.flagd.json');
    copyFileSync(REPO_FILE, file);
  });

  it('has every fault off without a file', async () => {
    const flags = openFaultFlags({ file: undefined, logger: fakeLogger().logger });
    await flags.ready;
    await expect(flags.cardDeclineShare()).resolves.toBe(0);
    await expect(flags.cardLatencyMs()).resolves.toBe(0);
    await expect(flags.cardNetworkDown()).resolves.toBe(false);
    await flags.close();
  });

  it('follows the file: a change applies within a couple of seconds', async () => {
    const flags = openFaultFlags({ file, logger: fakeLogger().logger });
    await flags.ready;
    await expect(flags.cardDeclineShare()).resolves.toBe(0);
    await expect(flags.cardNetworkDown()).resolves.toBe(false);

    writeFlagsFile(
      file,
      setFlag(setFlag(readFlagsFile(file), 'card-decline-share', '0.3'), 'card-network-down', 'true'),
    );
    const tookMs = await eventually(async () => (await flags.cardDeclineShare()) === 0.3, 2000);
    expect(tookMs).toBeLessThan(2000);
    await expect(flags.cardNetworkDown()).resolves.toBe(true);
    await flags.close();
  });

  it('keeps the last good flags when the file turns malformed, and logs one error', async () => {
    const { logger, errors } = fakeLogger();
    writeFlagsFile(file, setFlag(readFlagsFile(file), 'card-latency-ms', '250'));
    const flags = openFaultFlags({ file, logger });
    await flags.ready;
    await expect(flags.cardLatencyMs()).resolves.toBe(250);

    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 40));
    await eventually(() => Promise.resolve(errors.length > 0), 2000);
    await new Promise((resolve) => setTimeout(resolve, 600)); // a few more polls: still one error
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/fault flags file not applied, the flags in force stay as they were/);
    await expect(flags.cardLatencyMs()).resolves.toBe(250);
    await flags.close();
  });

  it('starts with every fault off, logging why, when the file is malformed from the start', async () => {
    const { logger, errors } = fakeLogger();
    writeFileSync(file, '{ "flags": ');
    const flags = openFaultFlags({ file, logger });
    await flags.ready;
    await expect(flags.cardDeclineShare()).resolves.toBe(0);
    expect(errors).toHaveLength(1);
    await flags.close();
  });
});
