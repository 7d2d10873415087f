import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

const WORKSPACE_ROOT = resolve(__dirname, '../../..');

/** The app above, its output piped here, with a lifeline on fd 3 when asked. */
async function startApp(
  withLifeline: boolean,
): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'lifeline-app.ts')], {
    cwd: WORKSPACE_ROOT,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: join(WORKSPACE_ROOT, 'tsconfig.base.json'),
      ...(withLifeline && { LIFELINE_FD: '3' }),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.stdio[3]?.on('error', () => undefined);
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  await new Promise<void>((ready, fail) => {
    lines.on('line', (line) => line.includes('"ready"') && ready());
    void exited.then((code) => fail(new Error(`the app exited at start-up with ${code}`)));
  });
  return { child, exited };
}

/** What a launcher's death looks like to its child: its output is no longer read and its lifeline closes. */
function launcherGone(child: ChildProcess): void {
  for (const end of [child.stdout, child.stderr, child.stdio[3]]) end?.destroy();
}

const within = <T>(promise: Promise<T>, ms: number): Promise<T | 'still running'> =>
  Promise.race([promise, sleep(ms, 'still running' as const, { ref: false })]);

describe('the lifeline', () => {
  const started: ChildProcess[] = [];
  afterAll(() => started.forEach((child) => child.exitCode === null && child.kill('SIGKILL')));

  it('stops the app gracefully (exit 0) once it closes, even with its output no longer read', async () => {
    const { child, exited } = await startApp(true);
    started.push(child);
    launcherGone(child);
    expect(await within(exited, 10_000)).toBe(0);
  });

  it('is not watched without LIFELINE_FD, as under compose or Kubernetes', async () => {
    const { child, exited } = await startApp(false);
    started.push(child);
    launcherGone(child);
    expect(await within(exited, 1_500)).toBe('still running');
    child.kill('SIGTERM');
    expect(await within(exited, 10_000)).toBe(0);
  });
});
