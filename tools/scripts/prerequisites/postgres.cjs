// Is there a Postgres the tests and the stack can use, as a superuser? Asked with the workspace's `pg`,
// the client the tests and the stack connect with, so that its answer is theirs (TLS from PGSSLMODE,
// ~/.pgpass, every authentication method they support). Before `npm ci` has installed it, psql asks
// instead if this machine has one; if not, Postgres is left for the first run after `npm ci`.
'use strict';

const { execFile } = require('child_process');
const { join } = require('path');

const ROOT = join(__dirname, '..', '..', '..');
const TIMEOUT_S = 3;
const SUPERUSER_SQL = "SELECT current_setting('is_superuser') AS superuser";
// Measured on Postgres 15: a role with CREATEDB and CREATEROLE but not SUPERUSER gets "must be member
// of role" from libs/db's `CREATE DATABASE <db> OWNER <the role it just made>`.
const RIGHTS_NEEDED =
  'the shop makes a role and a database owned by it for each service (and the tests one per suite), which takes a superuser: CREATEDB and CREATEROLE are not enough.';

/** The standard PG* variables, with the defaults libs/testing and libs/stack use. */
function connectionFrom(env) {
  const value = (name, fallback) => ({ value: env[name] || fallback, set: Boolean(env[name]) });
  return {
    host: value('PGHOST', '127.0.0.1'),
    port: value('PGPORT', '5432'),
    user: value('PGUSER', 'postgres'),
    password: value('PGPASSWORD', undefined),
    database: value('PGDATABASE', 'postgres'),
  };
}

/** What was tried, in the user's terms: the variables, and which ones were defaults. */
function describeTried(conn) {
  const shown = (name, entry) =>
    entry.value === undefined
      ? `${name} not set`
      : `${name}=${name === 'PGPASSWORD' ? '(set)' : entry.value}${entry.set ? '' : ' (default)'}`;
  return [
    shown('PGHOST', conn.host),
    shown('PGPORT', conn.port),
    shown('PGUSER', conn.user),
    shown('PGPASSWORD', conn.password),
    shown('PGDATABASE', conn.database),
  ].join(', ');
}

// Both ask* functions answer { superuser } or { failure: 'unreachable' | 'login' | 'no password', reason }.

async function askWithPg(pg, c) {
  const client = new pg.Client({
    host: c.host,
    port: Number(c.port),
    user: c.user,
    password: c.password,
    database: c.database,
    application_name: 'check-prerequisites',
    connectionTimeoutMillis: TIMEOUT_S * 1000,
    query_timeout: TIMEOUT_S * 1000,
  });
  try {
    await client.connect();
    const { rows } = await client.query(SUPERUSER_SQL);
    return { superuser: rows[0].superuser === 'on' };
  } catch (error) {
    // What the server said carries a severity and a SQLSTATE; the rest is the network's or pg's own.
    if (error.severity) return { failure: 'login', reason: `${error.message} (SQLSTATE ${error.code})` };
    if (/client password must be/.test(error.message)) return { failure: 'no password' };
    return { failure: 'unreachable', reason: error.code || error.message };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The same question through psql; undefined when there is no psql on PATH. */
function askWithPsql(env, c) {
  const psqlEnv = Object.assign({}, env, {
    PGHOST: c.host,
    PGPORT: c.port,
    PGUSER: c.user,
    PGDATABASE: c.database,
    PGCONNECT_TIMEOUT: String(TIMEOUT_S),
    PGAPPNAME: 'check-prerequisites',
    LC_ALL: 'C', // untranslated messages, which the patterns below read
  });
  // -X: no ~/.psqlrc; -At: the bare value; -w: never prompt for a password, fail instead.
  const args = ['-X', '-At', '-w', '-c', SUPERUSER_SQL];
  return new Promise((resolve) => {
    execFile('psql', args, { env: psqlEnv, timeout: 3 * TIMEOUT_S * 1000 }, (error, stdout, stderr) => {
      if (!error) return resolve({ superuser: stdout.trim() === 'on' });
      if (error.code === 'ENOENT') return resolve(undefined);
      if (error.killed) return resolve({ failure: 'unreachable', reason: 'psql did not finish' });
      const said = String(stderr);
      if (/no password supplied/.test(said)) return resolve({ failure: 'no password' });
      // psql's first line ends with the cause: "... port 5432 failed: Connection refused", or
      // "... failed: FATAL:  role "x" does not exist" when the server said no.
      const line = said.split('\n')[0].replace(/^psql: (error: )?/, '') || `psql exited with ${error.code}`;
      const cause = /(?: failed|could not connect to server): (.*)/.exec(line);
      const reason = (cause ? cause[1] : line).replace(/^(FATAL|ERROR):\s+/, '');
      const network =
        /Connection refused|timeout expired|could not translate host name|No such file or directory|unreachable|No route to host|closed the connection|invalid response/i;
      return resolve({ failure: network.test(said) ? 'unreachable' : 'login', reason });
    });
  });
}

/** The workspace's pg; undefined before `npm ci` (or on a Node too old to load it). */
function workspacePg() {
  try {
    return require(join(ROOT, 'node_modules', 'pg'));
  } catch {
    return undefined;
  }
}

/**
 * { found } when Postgres is usable, { problem, fix } when not, { note } when it cannot be asked yet
 * (no pg and no psql: the missing node_modules is reported on its own).
 */
async function checkPostgres(env) {
  const conn = connectionFrom(env);
  const c = {};
  for (const key of Object.keys(conn)) c[key] = conn[key].value;
  const where = c.host.startsWith('/') ? `${c.host} (socket), port ${c.port}` : `${c.host}:${c.port}`;
  const tried = `Tried ${describeTried(conn)}.`;
  const pg = workspacePg();
  const answer = pg ? await askWithPg(pg, c) : await askWithPsql(env, c);
  if (!answer) {
    return {
      note: `Postgres at ${where} not checked: neither the \`pg\` package (installed by \`npm ci\`) nor psql is here; it is checked once \`npm ci\` has run.`,
    };
  }
  if (answer.failure === 'no password') {
    return {
      problem: `PostgreSQL at ${where} asks for a password for role "${c.user}", and none is set.`,
      fix: [tried, 'Set PGPASSWORD (or add it to ~/.pgpass), or use a role the server trusts.'],
    };
  }
  if (answer.failure === 'login') {
    return {
      problem: `PostgreSQL at ${where} refused to log in role "${c.user}" to database "${c.database}": ${answer.reason}.`,
      fix: [tried, `Point PGUSER/PGPASSWORD/PGDATABASE at a role that can log in; ${RIGHTS_NEEDED}`],
    };
  }
  if (answer.failure === 'unreachable') {
    return {
      problem: `No PostgreSQL server answered at ${where} (${answer.reason}).`,
      fix: [
        tried,
        'Start one (Debian/Ubuntu: `apt-get install -y postgresql`, then `pg_ctlcluster <version> main start`),',
        'or point the standard PGHOST/PGPORT/PGUSER/PGPASSWORD variables at one.',
      ],
    };
  }
  if (answer.superuser) return { found: `Postgres ${c.user}@${where} (superuser)` };
  return {
    problem: `Role "${c.user}" on PostgreSQL at ${where} is not a superuser: ${RIGHTS_NEEDED}`,
    fix: [
      tried,
      `Set PGUSER to a superuser (such as postgres), or, as one: \`ALTER ROLE ${c.user} SUPERUSER;\``,
    ],
  };
}

module.exports = { checkPostgres };
