/**
 * The native stack's launcher as a supervisor, run for real (the CLI, as `npm run stack` runs it) on free
 * ports and databases of its own: it checks its ports before it starts anything, restarts a crashed
 * replica, stops everything in order on SIGTERM and exits 0, and leaves nothing running however it ends,
 * even when it is killed with SIGKILL.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { waitUntilServing } from '@shop/grpc';
import { mtlsClientSecurity, readTlsDir } from '@shop/service-identity';
import { adminConnection, eventually } from '@shop/testing';
import { databaseName, SERVICES } from '../src/apps';
import { buildApps, LAUNCHER, WORKSPACE_ROOT } from '../src/start-stack';
import {
  allGone,
  buildLauncher,
  describeProcesses,
  isRunning,
  killAndAwaitRestart,
  killLauncher,
  launches,
  printedTraces,
  processesOf,
  stopWithSigterm,
  whenReady,
} from './launcher';

const SHOP = ['kafka broker', 'mail catcher', ...SERVICES.map((service) => `${service}#1`), 'gateway#1'];

describe('the native stack launcher', () => {
  const run = randomBytes(3).toString('hex');
  const databasePrefix = `stacklife_${run}_`;
  const dir = join(WORKSPACE_ROOT, 'tmp', 'stack-lifecycle', run);
  const { start, killAll } = launches(dir, [
    '--ports',
    'free',
    '--database-prefix',
    databasePrefix,
    '--certs-dir',
    join(dir, 'certs'),
  ]);

  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    // Built here rather than by the launchers (which run with --no-build): the apps must be the code under
    // test, and Nx's helper processes must not count among the launcher's.
    buildApps();
    buildLauncher();
  }, 300_000);

  afterAll(async () => {
    // Whatever a failed test left behind: every process of every launch, then the databases and roles.
    killAll();
    const admin = new Client(adminConnection());
    await admin.connect();
    try {
      for (const service of SERVICES) {
        const name = databaseName(service, databasePrefix);
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.query(`DROP ROLE IF EXISTS "${name}"`);
      }
    } finally {
      await admin.end();
    }
  }, 30_000);

  it('checks its ports before it starts anything: names the taken one and its holder, exits non-zero', async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const launcher = start('--no-build', '--port', `gateway=${port}`);
      const exit = await launcher.exited;
      expect(exit.code).not.toBe(0);
      expect(launcher.output()).toContain(`port ${port} (gateway#1) is taken by pid ${process.pid}: `);
      expect(launcher.output()).toContain(process.argv[1]);
      // Nothing was started: no process of this launch left, no database.
      await allGone(processesOf(launcher.marker), 5_000);
      const admin = new Client(adminConnection());
      await admin.connect();
      const { rows } = await admin
        .query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${databasePrefix}%`])
        .finally(() => admin.end());
      expect(rows).toEqual([]);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  }, 30_000);

  it('keeps the traces of what it serves for `npm run traces`, restarts a killed replica, then stops everything on SIGTERM to its process group and exits 0', async () => {
    const launcher = start('--no-build');
    const status = await whenReady(launcher, 120_000);
    expect(status.processes.map((entry) => entry.label).sort()).toEqual([...SHOP].sort());

    // With no collector given, the stack receives its apps' traces itself: a sign-up is one trace from
    // the gateway to users-service, listed and drawn from the folder it keeps them in.
    const traceDir = status.traces?.dir as string;
    expect(traceDir).toBeTruthy();
    const signUp = await fetch(`${status.gatewayUrl}/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `traces-${run}@example.com`,
        password: 'correct horse 1',
        name: 'Trace',
      }),
    });
    expect(signUp.status).toBe(201);
    const traceId = signUp.headers.get('x-trace-id') as string;
    const printed = (...args: string[]) => printedTraces(traceDir, ...args);
    // Listed once the gateway's spans (the root) have arrived too: each app exports on its own schedule.
    await eventually(async () => {
      const listed = (await printed('--service', 'users-service')).find((line) => line.includes(traceId));
      expect(listed).toContain('gateway: POST /v1/users');
    }, 30_000);
    expect((await printed(traceId)).join('\n')).toMatch(
      /users\.v1\.UsersService\/Register \(server\)\s+users-service/,
    );
    const pids = [launcher.pid, ...status.processes.map((entry) => entry.pid)];
    expect(pids.every(isRunning)).toBe(true);
    expect(describeProcesses(processesOf(launcher.marker))).toEqual(describeProcesses(pids));

    // A replica killed outright is restarted on its port, and the launcher says so.
    const restarted = await killAndAwaitRestart(launcher, 'payments-service#1');
    expect(launcher.output()).toMatch(
      /payments-service#1 exited unexpectedly \(signal SIGKILL\); restarting it in 0\.5 s: restart 1, 1 crash in the last minute/,
    );
    // Health is open to any workload of the stack's CA; the launcher's own identity is one.
    const launcherIdentity = mtlsClientSecurity(
      readTlsDir(join(status.certsDir, LAUNCHER)),
      'payments-service',
    );
    await waitUntilServing(status.addresses['payments-service'] as string, 30_000, '', launcherIdentity);

    await stopWithSigterm(launcher, [...pids, restarted]);
  }, 180_000);

  it('leaves nothing running when the launcher itself is killed with SIGKILL', async () => {
    const launcher = start('--no-build');
    const status = await whenReady(launcher, 90_000);
    const pids = status.processes.map((entry) => entry.pid);
    expect(describeProcesses(processesOf(launcher.marker))).toEqual(
      describeProcesses([launcher.pid, ...pids]),
    );

    // Each app stops gracefully once its lifeline closes; the broker and mail catcher follow the last.
    await killLauncher(launcher, pids);
  }, 120_000);
});
