import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Client } from 'pg';

/**
 * tools/scripts/check-prerequisites.cjs, run as `npm test` and `npm run stack` run it: each missing
 * prerequisite named in one message, and nothing else started. Postgres is this machine's own (the
 * standard PG* variables, else postgres@127.0.0.1:5432, as for every other test), or a closed port.
 */
const ROOT = join(__dirname, '..', '..');
const CHECK = 'tools/scripts/check-prerequisites.cjs';

/** The machine's Postgres, as a superuser: what the check is run against when it should pass. */
const server = {
  host: process.env['PGHOST'] || '127.0.0.1',
  port: Number(process.env['PGPORT'] || 5432),
  user: process.env['PGUSER'] || 'postgres',
  password: process.env['PGPASSWORD'] || undefined,
  database: process.env['PGDATABASE'] || 'postgres',
};

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, timeout: 20_000 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}

/** The PG* variables pointed at the machine's Postgres, with nothing read from ~/.pgpass. */
function withPostgres(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PGHOST: server.host, PGPORT: String(server.port) };
  for (const name of ['PGUSER', 'PGPASSWORD', 'PGDATABASE', 'PGSSLMODE']) delete env[name];
  if (server.user !== 'postgres') env['PGUSER'] = server.user;
  if (server.password) env['PGPASSWORD'] = server.password;
  if (server.database !== 'postgres') env['PGDATABASE'] = server.database;
  env['PGPASSFILE'] = '/nonexistent';
  return { ...env, ...extra };
}

/** The same on 127.0.0.1:port as the postgres role, whatever this machine sets. */
function withClosedPort(port: number, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = withPostgres({ PGHOST: '127.0.0.1', PGPORT: String(port), ...extra });
  for (const name of ['PGUSER', 'PGPASSWORD', 'PGDATABASE']) delete env[name];
  return env;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs SQL as the machine's superuser. */
async function asSuperuser(sql: string): Promise<void> {
  const client = new Client({ ...server, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A Node older than 24 that this machine really has (its system Node, where CI installs 24 beside it). */
function realOldNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    try {
      const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
      if (Number(/^v(\d+)/.exec(version)?.[1]) < 24) return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}

/** psql on this machine's PATH, if any. */
function psqlOnPath(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    try {
      execFileSync(join(dir, 'psql'), ['--version'], { stdio: 'ignore' });
      return join(dir, 'psql');
    } catch {
      // not there
    }
  }
  return undefined;
}

/** The script and .nvmrc alone, as in a clone before `npm ci`; with `jest`, a stand-in for its bin. */
function makeClone(dir: string, jest: boolean): string {
  cpSync(join(ROOT, 'tools', 'scripts', 'prerequisites'), join(dir, 'tools', 'scripts', 'prerequisites'), {
    recursive: true,
  });
  cpSync(join(ROOT, CHECK), join(dir, CHECK));
  cpSync(join(ROOT, '.nvmrc'), join(dir, '.nvmrc'));
  if (jest) {
    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', '.bin', 'jest'), '');
  }
  return dir;
}

describe('check-prerequisites', () => {
  let work: string;
  let fakeNodeDir: string;
  // A login role on the machine's Postgres that is not a superuser.
  const role = `check_prerequisites_${process.pid}`;
  const rolePassword = 'not-a-superuser';
  // Every other prerequisite present, so that each test sees only the one it breaks.
  const others = { KAFKA_BROKERS: '127.0.0.1:9092', CHROMIUM_PATH: process.execPath };
  const present = withPostgres(others);
  const asRole = withPostgres({ ...others, PGUSER: role, PGPASSWORD: rolePassword });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'check-prerequisites-'));
    // A fake old Node first on PATH: the real one, made to report 20.18.0 before the script runs.
    fakeNodeDir = join(work, 'old-node');
    mkdirSync(fakeNodeDir);
    writeFileSync(
      join(fakeNodeDir, 'pretend-node-20.cjs'),
      "Object.defineProperty(process.versions, 'node', { value: '20.18.0' });\n" +
        "Object.defineProperty(process, 'version', { value: 'v20.18.0' });\n",
    );
    writeFileSync(
      join(fakeNodeDir, 'node'),
      `#!/bin/sh\nexec '${process.execPath}' --require '${join(fakeNodeDir, 'pretend-node-20.cjs')}' "$@"\n`,
    );
    chmodSync(join(fakeNodeDir, 'node'), 0o755);
    await asSuperuser(`DROP ROLE IF EXISTS ${role}`);
    await asSuperuser(`CREATE ROLE ${role} LOGIN NOSUPERUSER PASSWORD '${rolePassword}'`);
  });

  afterAll(async () => {
    await asSuperuser(`DROP ROLE IF EXISTS ${role}`);
    rmSync(work, { recursive: true, force: true });
  });

  it('says nothing but one line and exits 0 when everything is there', async () => {
    const result = await run(process.execPath, [CHECK, 'test'], present);

    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(result.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^prerequisites for the tests: Node 24\..*Postgres \S+@\S+ \(superuser\)/),
    ]);
  });

  it('with PGPORT on a closed port, names the address and the PG* values it tried, and fails', async () => {
    const port = await closedPort();
    const result = await run(process.execPath, [CHECK, 'test'], withClosedPort(port, others));

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`No PostgreSQL server answered at 127.0.0.1:${port} (ECONNREFUSED)`);
    expect(result.stderr).toContain(
      `Tried PGHOST=127.0.0.1, PGPORT=${port}, PGUSER=postgres (default), PGPASSWORD not set, PGDATABASE=postgres (default).`,
    );
    expect(result.stderr).toContain('one prerequisite is missing');
  });

  it('names a role that is not a superuser, and how to make it one', async () => {
    const result = await run(process.execPath, [CHECK, 'stack'], asRole);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Role "${role}" on PostgreSQL at `);
    expect(result.stderr).toContain('is not a superuser');
    expect(result.stderr).toContain(`PGUSER=${role}, PGPASSWORD=(set)`);
    expect(result.stderr).toContain(`ALTER ROLE ${role} SUPERUSER`);
  });

  it('with an old Node first on PATH, names the running version and how to get 24', async () => {
    const env = { ...present, PATH: `${fakeNodeDir}:${process.env['PATH'] ?? ''}` };
    const result = await run('node', [CHECK, 'test'], env);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Node.js 24 is needed; this is Node 20.18.0');
    expect(result.stderr).toMatch(/nvm install.*\.nvmrc.*nodejs\.org/s);
    expect(result.stderr).toContain('npm install --prefix ~/.cache/shop/node24 node@24');
  });

  const oldNode = realOldNode();
  (oldNode ? it : it.skip)(
    `runs on this machine's own old Node (${oldNode ?? 'none here'}) to say so`,
    async () => {
      const result = await run(oldNode ?? '', [CHECK, 'test'], present);

      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/Node\.js 24 is needed; this is Node (1\d|2[0-3])\./);
      expect(result.stderr).not.toContain('PostgreSQL');
    },
  );

  it('on a fresh clone with nothing installed, lists every missing prerequisite in one message', async () => {
    // No node_modules (so no pg), no built broker, and no gcc, make, git or psql on PATH.
    const clone = makeClone(join(work, 'clone'), false);
    const env = withClosedPort(await closedPort(), {
      PATH: fakeNodeDir,
      CHROMIUM_PATH: join(work, 'no-chromium'),
    });
    delete env['KAFKA_BROKERS'];

    const result = await run(join(fakeNodeDir, 'node'), [CHECK, 'test'], env, clone);

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const listed = result.stderr.split('\n').filter((line) => /^ {2}\d\. /.test(line));
    expect(listed).toEqual([
      expect.stringContaining('Node.js 24 is needed; this is Node 20.18.0'),
      expect.stringContaining('dependencies are not installed'),
      expect.stringContaining('gcc, make and git not found'),
      expect.stringContaining(`Chromium not found at ${join(work, 'no-chromium')}`),
    ]);
    // Postgres cannot be asked yet: a note, since `npm ci` (already listed) is what makes it askable.
    expect(result.stderr).toMatch(
      /^prerequisites: note: Postgres at 127\.0\.0\.1:\d+ not checked: .*`npm ci`/m,
    );
    expect(result.stderr).toContain('Cannot start the tests: 4 prerequisites are missing.');
    expect(result.stderr).toContain('Then run again: npm ci && npm test');
  });

  describe('before `pg` is installed, with psql on PATH', () => {
    const psql = psqlOnPath();
    let clone: string;
    let env: NodeJS.ProcessEnv;

    beforeAll(() => {
      if (!psql) return;
      // A node_modules with jest's bin but no pg, and psql as the only program on PATH.
      clone = makeClone(join(work, 'clone-with-psql'), true);
      const bin = join(work, 'psql-only');
      mkdirSync(bin);
      symlinkSync(psql, join(bin, 'psql'));
      env = { PATH: bin };
    });

    (psql ? it : it.skip)('asks psql whether the role is a superuser', async () => {
      const result = await run(process.execPath, [CHECK, 'test'], { ...present, ...env }, clone);

      expect(result).toMatchObject({ status: 0, stderr: '' });
      expect(result.stdout).toMatch(/Postgres \S+@\S+ \(superuser\)/);
    });

    (psql ? it : it.skip)('names a closed port', async () => {
      const port = await closedPort();
      const result = await run(
        process.execPath,
        [CHECK, 'test'],
        withClosedPort(port, { ...others, ...env }),
        clone,
      );

      expect(result.status).toBe(1);
      expect(result.stderr).toContain(
        `No PostgreSQL server answered at 127.0.0.1:${port} (Connection refused)`,
      );
    });

    (psql ? it : it.skip)('names a role that is not a superuser', async () => {
      const result = await run(process.execPath, [CHECK, 'test'], { ...asRole, ...env }, clone);

      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`Role "${role}" on PostgreSQL at `);
      expect(result.stderr).toContain('is not a superuser');
    });
  });

  it('does not ask the native stack for Chromium', async () => {
    const result = await run(process.execPath, [CHECK, 'stack'], {
      ...present,
      CHROMIUM_PATH: '/nonexistent',
    });

    expect(result.status).toBe(0);
  });

  it('stops `npm test` before jest starts', async () => {
    const port = await closedPort();
    // `-- --version`: were the check to let it through, jest would print its version and stop.
    const result = await run('npm', ['test', '--', '--version'], withClosedPort(port, others));

    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`No PostgreSQL server answered at 127.0.0.1:${port}`);
    expect(result.stdout).not.toMatch(/^\d+\.\d+\.\d+$/m);
    expect(result.stdout + result.stderr).not.toMatch(/^(PASS|FAIL) |^Tests: /m);
  });
});

describe("the README's commands", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
  const scripts = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  const quickStart = /## Two commands\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const testCommand = /^(npm ci && npm test)\s+#/m.exec(quickStart)?.[1];

  it('installs before it tests, and both commands check the prerequisites first', () => {
    expect(testCommand).toBe('npm ci && npm test');
    expect(readme).toContain('npm ci && npm run stack');
    expect(scripts['test']).toMatch(/^node tools\/scripts\/check-prerequisites\.cjs test && jest$/);
    expect(scripts['stack']).toMatch(/^node tools\/scripts\/check-prerequisites\.cjs stack && /);
  });

  it('is what CI runs, within the time README gives for a first run', () => {
    const ciLines = ci.split('\n').map((line) => line.trim());
    expect(ciLines).toContainEqual(expect.stringMatching(/^npm ci && npm test( \|\| exit)?$/));
    const minutes = Number(
      /first\s+`npm ci && npm test`\s+takes\s+under\s+(\d+)\s+minutes/.exec(readme)?.[1],
    );
    expect(ci).toContain(`FIRST_RUN_BUDGET_S=${minutes * 60}`);
  });
});
