import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort } from './ports';
import type { ServerConnection } from './postgres-server';

const run = promisify(execFile);

export interface PrivatePostgres {
  /** The superuser connection (trust authentication, loopback only). */
  connection: ServerConnection;
  /**
   * A fast restart (`pg_ctl restart -m fast`): every connection is terminated with 57P01. With
   * `downForMs`, the server stays stopped that long first, as when a restart takes a while.
   */
  restart(downForMs?: number): Promise<void>;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

/** The newest PostgreSQL server binaries Debian installed (`/usr/lib/postgresql/<major>/bin`). */
function serverBinaries(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!majors[0]) throw new Error(`no PostgreSQL server binaries (initdb) under ${root}`);
  return join(root, majors[0], 'bin');
}

/**
 * A PostgreSQL server of the test's own, in a temporary directory on a free port, for tests that
 * restart or stop the database: doing that to the shared server would disturb every other suite.
 * initdb refuses to run as root, so under root the server runs as the `postgres` OS user.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = serverBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'shop-pg-'));
  const asRoot = userInfo().uid === 0;
  const owner = asRoot ? await run('id', ['-u', 'postgres']).then(({ stdout }) => Number(stdout.trim())) : 0;
  if (asRoot) {
    chownSync(dir, owner, owner);
    chmodSync(dir, 0o700);
  }
  const pg = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);

  const port = await freePort();
  const data = join(dir, 'data');
  // The socket lives in the data directory too: nothing outside it is touched.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const ctl = (action: string, extra: string[] = []) =>
    pg('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', ...extra, action]);

  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  await ctl('start');
  return {
    connection: { host: '127.0.0.1', port, user: 'postgres', password: undefined, database: 'postgres' },
    async restart(downForMs = 0) {
      if (downForMs === 0) return void (await ctl('restart', ['-m', 'fast']));
      await ctl('stop', ['-m', 'fast']);
      await sleep(downForMs);
      await ctl('start');
    },
    async stop() {
      await ctl('stop', ['-m', 'immediate']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
