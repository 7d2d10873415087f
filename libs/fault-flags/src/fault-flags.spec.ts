import { copyFileSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@shop/logger';
import { openFaultFlags } from './fault-flags';
import { readFlagsFile, setFlag, writeFlagsFile } from './flags-file';

const REPO_FILE = join(__dirname, '../../../deploy/flags/faults.flagd.json');

function fakeLogger() {
  const errors: string[] = [];
  const warnings: string[] = [];
  const logger = {
    error: (message: string) => errors.push(message),
    warn: (message: string) => warnings.push(message),
    info: () => undefined,
    debug: () => undefined,
    child: () => logger,
  };
  return { logger: logger as unknown as Logger, errors, warnings };
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

  it('keeps the last good flags when the file turns schema-invalid, and logs one error saying why', async () => {
    const { logger, errors } = fakeLogger();
    writeFlagsFile(file, setFlag(readFlagsFile(file), 'email-consumer-delay-ms', '300'));
    const flags = openFaultFlags({ file, logger });
    await flags.ready;
    await expect(flags.emailConsumerDelayMs()).resolves.toBe(300);

    // Valid JSON that flagd alone would apply, turning the fault off: a state flagd does not know.
    const broken = readFlagsFile(file) as unknown as { flags: Record<string, { state: string }> };
    const share = broken.flags['card-decline-share'];
    if (share) share.state = 'SOMETIMES';
    writeFileSync(file, JSON.stringify(broken));
    await eventually(() => Promise.resolve(errors.length > 0), 2000);
    await new Promise((resolve) => setTimeout(resolve, 600)); // a few more polls: still one error
    expect(errors).toEqual([
      expect.stringMatching(
        /^fault flags file not applied, the flags in force stay as they were: not a valid flagd file: \/flags\/card-decline-share\/state /,
      ),
    ]);
    await expect(flags.emailConsumerDelayMs()).resolves.toBe(300);

    // Fixed: applied again, and a later problem is reported again.
    writeFlagsFile(file, setFlag(readFlagsFile(REPO_FILE), 'email-consumer-delay-ms', '700'));
    await eventually(async () => (await flags.emailConsumerDelayMs()) === 700, 2000);
    writeFileSync(file, '{');
    await eventually(() => Promise.resolve(errors.length === 2), 2000);
    await flags.close();
  });

  it('refuses a fault value outside its range while running, keeping the one in force', async () => {
    const { logger, errors } = fakeLogger();
    const flags = openFaultFlags({ file, logger });
    await flags.ready;
    const tooMuch = readFlagsFile(file);
    const poison = tooMuch.flags['email-poison-share'];
    if (poison) Object.assign(poison, { variants: { off: 0, on: 3 }, defaultVariant: 'on' });
    writeFileSync(file, JSON.stringify(tooMuch));
    await eventually(() => Promise.resolve(errors.length > 0), 2000);
    expect(errors[0]).toMatch(/email-poison-share must be between 0 and 1, not 3/);
    await expect(flags.emailPoisonShare()).resolves.toBe(0);
    await flags.close();
  });

  it('runs with every fault off while the file is missing, and applies it once it appears', async () => {
    const { logger, errors, warnings } = fakeLogger();
    const missing = join(mkdtempSync(join(tmpdir(), 'fault-flags-')), 'faults.flagd.json');
    const flags = openFaultFlags({ file: missing, logger });
    await flags.ready;
    await expect(flags.cardNetworkDown()).resolves.toBe(false);
    expect(warnings).toEqual([expect.stringMatching(/fault flags file missing, every fault is off until/)]);

    // Written elsewhere and renamed in, as `npm run flags` and a ConfigMap update both do.
    writeFileSync(
      `${missing}.new`,
      JSON.stringify(setFlag(readFlagsFile(REPO_FILE), 'card-network-down', 'true')),
    );
    renameSync(`${missing}.new`, missing);
    await eventually(async () => (await flags.cardNetworkDown()) === true, 2000);
    expect(errors).toEqual([]);
    expect(warnings).toHaveLength(1);
    await flags.close();
  });
});
