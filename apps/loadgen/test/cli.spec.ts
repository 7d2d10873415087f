import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WORKSPACE_ROOT } from '@shop/stack';
import { freePort } from '@shop/testing';

describe('npm run loadtest', () => {
  const loadtest = (args: string[]) =>
    promisify(execFile)(
      join(WORKSPACE_ROOT, 'node_modules/.bin/tsx'),
      ['--tsconfig', 'tsconfig.base.json', 'apps/loadgen/src/main.ts', ...args],
      { cwd: WORKSPACE_ROOT, timeout: 30_000 },
    ).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it('when nothing answers at the target, says so in one line and exits with 2', async () => {
    const target = `http://127.0.0.1:${await freePort()}`;
    const { code, stdout, stderr } = await loadtest([
      '--scenario',
      'checkout',
      '--rate',
      '5',
      '--duration',
      '1s',
      '--target',
      target,
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `loadtest: target ${target} is not reachable (GET /healthz failed: ECONNREFUSED); is the shop running?\n`,
    );
  });

  it('on a usage error, says what is wrong and exits with 2', async () => {
    const { code, stderr } = await loadtest(['--scenario', 'checkout', '--rate', '5']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^loadtest: give --rate and --duration .*\(see --help\)\n$/);
  });
});
