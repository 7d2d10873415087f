/**
 * `npm run stack -- --architecture monolith`, run for real (the CLI, as `npm run stack` runs it) on free
 * ports and a database of its own: the monolith alone with the mail catcher, no broker, supervised as
 * the microservices' apps are (restarted when killed), stopped in order on SIGTERM with exit 0, and
 * nothing left running, even when the launcher is killed with SIGKILL.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, escapeIdentifier } from 'pg';
import { adminConnection, eventually } from '@shop/testing';
import { MONOLITH_MODULES, monolithDatabaseName, monolithModuleRole } from '../src/apps';
import { buildApps, WORKSPACE_ROOT } from '../src/start-stack';
import {
  buildLauncher,
  describeProcesses,
  killAndAwaitRestart,
  killLauncher,
  launches,
  printedTraces,
  processesOf,
  stopWithSigterm,
  whenReady,
} from './launcher';

describe('the native stack launcher, --architecture monolith', () => {
  const run = randomBytes(3).toString('hex');
  const databasePrefix = `stackmono_${run}_`;
  const database = monolithDatabaseName(databasePrefix);
  const dir = join(WORKSPACE_ROOT, 'tmp', 'stack-lifecycle', `monolith-${run}`);
  const { start, killAll } = launches(dir, [
    ...['--architecture', 'monolith', '--no-build'],
    ...['--ports', 'free', '--database-prefix', databasePrefix],
  ]);

  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    // Built here rather than by the launchers (--no-build): the monolith must be the code under test.
    buildApps(undefined, 'monolith');
    buildLauncher();
  }, 300_000);

  afterAll(async () => {
    killAll();
    const admin = new Client(adminConnection());
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(database)} WITH (FORCE)`);
      for (const module of MONOLITH_MODULES)
        await admin.query(`DROP ROLE IF EXISTS ${escapeIdentifier(monolithModuleRole(database, module))}`);
    } finally {
      await admin.end();
    }
  }, 30_000);

  it('runs the monolith and the mail catcher, keeps its traces, restarts it when killed, then stops everything on SIGTERM and exits 0', async () => {
    const launcher = start();
    const status = await whenReady(launcher, 120_000);
    expect(status.architecture).toBe('monolith');
    expect(status.database).toBe(database);
    expect(status.processes.map((entry) => entry.label).sort()).toEqual(['mail catcher', 'monolith#1']);

    const signUp = await fetch(`${status.gatewayUrl}/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `mono-${run}@example.com`, password: 'correct horse 1', name: 'Mono' }),
    });
    expect(signUp.status).toBe(201);
    // The stack receives the monolith's traces as it does the apps': the sign-up is listed.
    const traceId = signUp.headers.get('x-trace-id') as string;
    const traceDir = status.traces?.dir as string;
    await eventually(async () => {
      const lines = await printedTraces(traceDir, '--service', 'monolith');
      expect(lines.find((line) => line.includes(traceId))).toContain('POST /v1/users');
    }, 30_000);

    const pids = [launcher.pid, ...status.processes.map((entry) => entry.pid)];
    expect(describeProcesses(processesOf(launcher.marker))).toEqual(describeProcesses(pids));

    // Killed outright, it is restarted on its port, and serves again.
    const restarted = await killAndAwaitRestart(launcher, 'monolith#1');
    expect(launcher.output()).toMatch(/monolith#1 exited unexpectedly \(signal SIGKILL\); restarting it/);
    await eventually(
      async () => expect((await fetch(`${status.gatewayUrl}/readyz`)).status).toBe(200),
      60_000,
    );

    await stopWithSigterm(launcher, [...pids, restarted]);
  }, 180_000);

  it('leaves nothing running when the launcher itself is killed with SIGKILL', async () => {
    const launcher = start();
    const status = await whenReady(launcher, 90_000);
    const pids = status.processes.map((entry) => entry.pid);
    await killLauncher(launcher, pids);
  }, 120_000);
});
