import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { eventually, freePort } from '@shop/testing';
import { supervise, type AppReplica, type SuperviseOptions } from '../src/supervise';

/** Which pid answers on the port, if any. */
function whoServes(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += String(chunk)));
    socket.on('end', () => resolve(Number(answer.trim())));
    socket.on('error', () => resolve(undefined));
  });
}

describe('supervise', () => {
  const logDir = mkdtempSync(join(tmpdir(), 'supervise-'));
  const replicas: AppReplica[] = [];
  let notices = '';
  const noticeStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      notices += chunk.toString();
      done();
    },
  });

  async function start(env: NodeJS.ProcessEnv, options: Partial<SuperviseOptions> = {}) {
    const port = await freePort();
    const replica = supervise({
      label: `fake#${replicas.length + 1}`,
      app: 'users-service',
      port,
      script: join(__dirname, 'fake-app.mjs'),
      env: { ...process.env, ...env, PORT: String(port) },
      logDir,
      notices: noticeStream,
      policy: { firstDelayMs: 20, maxDelayMs: 80, maxRestarts: 3, windowMs: 60_000 },
      ...options,
    });
    replicas.push(replica);
    return replica;
  }

  beforeEach(() => (notices = ''));
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop(1_000)));
    rmSync(logDir, { recursive: true, force: true });
  });

  it('restarts a replica killed with SIGKILL on the same port, and says which, why and how often', async () => {
    const replica = await start({});
    const first = await eventually(async () => {
      const pid = await whoServes(replica.port);
      expect(pid).toBe(replica.pid());
      return pid as number;
    }, 10_000);
    replica.serving();

    process.kill(first, 'SIGKILL');
    const second = await eventually(async () => {
      const pid = await whoServes(replica.port);
      expect(pid).toBeDefined();
      expect(pid).not.toBe(first);
      return pid as number;
    }, 10_000);

    expect(replica.pid()).toBe(second);
    expect(replica.crashes).toHaveLength(1);
    expect(replica.crashes[0]).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(replica.crashes[0]?.at).toBeInstanceOf(Date);
    expect(replica.state()).toBe('running');
    expect(notices).toMatch(
      /^fake#1 exited unexpectedly \(signal SIGKILL\); restarting it in 0\.02 s: restart 1, 1 crash in the last minute\. Log: .*fake-1\.log\n$/,
    );
    expect(await replica.stop(5_000)).toBe(0);
    expect(replica.state()).toBe('stopped');
    expect(await whoServes(replica.port)).toBeUndefined();
  });

  it('gives up on a crash loop, printing its last lines, and leaves it down', async () => {
    const replica = await start({ CRASH_AFTER_MS: '50' });
    replica.serving();
    await eventually(() => expect(replica.state()).toBe('down'), 10_000);

    expect(replica.crashes.map((crash) => crash.code)).toEqual([3, 3, 3, 3]);
    expect(notices.match(/exited unexpectedly \(exit code 3\)/g)).toHaveLength(3);
    expect(notices).toMatch(/restarting it in 0\.02 s: restart 1, 1 crash in/);
    expect(notices).toMatch(/restarting it in 0\.08 s: restart 3, 3 crashes in/);
    expect(notices).toMatch(
      /fake#2 crashed 4 times in the last minute \(last: exit code 3\); not restarting it again: it stays down, the rest keep running\. Its last lines \(.*fake-2\.log\):\n {4}listening, pid \d+\n {4}boom\n/,
    );
    expect(replica.pid()).toBeUndefined();
    expect(await replica.stop(1_000)).toBe(3);
  });

  it('reports a replica that fails before it served rather than restarting it', async () => {
    const replica = await start({ CRASH_AFTER_MS: '0' });
    const crash = await replica.exitedAtStartUp;
    expect(crash).toMatchObject({ code: 3, signal: null });
    expect(replica.state()).toBe('down');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(replica.crashes).toHaveLength(1);
    expect(notices).toBe('');
  });

  it('does not restart a replica stopped while it waits for its restart', async () => {
    const replica = await start(
      {},
      { policy: { firstDelayMs: 60_000, maxDelayMs: 60_000, maxRestarts: 3, windowMs: 60_000 } },
    );
    const first = await eventually(async () => {
      const pid = await whoServes(replica.port);
      expect(pid).toBeDefined();
      return pid as number;
    }, 10_000);
    replica.serving();
    process.kill(first, 'SIGKILL');
    await eventually(() => expect(replica.state()).toBe('restarting'), 10_000);
    expect(await replica.stop(1_000)).toBeNull();
    expect(replica.state()).toBe('stopped');
    expect(replica.pid()).toBeUndefined();
  });
});
