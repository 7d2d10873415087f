import { generateKeyPairSync } from 'node:crypto';
import { Client, escapeIdentifier } from 'pg';
import { dropDatabase, dropRoles, sqlState, type PostgresConnection } from '@shop/db';
import { MONOLITH, MONOLITH_MODULES, monolithDatabaseName, monolithModuleRole } from './apps';
import { appNodeArgs, appScript, DEFAULT_FLAGS_FILE } from './app-builds';
import { monolithEnv } from './app-env';
import { startStackMail, type StackMailPorts } from './stack-mail';
import { receiveTraces } from './stack-traces';
import type { MonolithStack, StackOptions } from './start-stack';
import { abortable, untilReady, waitForGateway } from './start-waits';
import type { StackRun } from './stack-run';

export interface MonolithPlan {
  /** Its HTTP port: the gateway's. */
  port: number;
  mailPorts: StackMailPorts;
  logDir: string;
}

const DUPLICATE_DATABASE = '42P04';

/**
 * Creates the monolith's database if it is missing, and nothing more: the monolith makes its modules'
 * schemas and roles in it at start, through the admin connection it is given.
 */
async function createDatabase(admin: PostgresConnection, database: string): Promise<void> {
  const client = new Client({ ...admin, application_name: 'provision' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount) return;
    await client.query(`CREATE DATABASE ${escapeIdentifier(database)}`).catch((error: unknown) => {
      // Another start created it between our look and our create: the outcome we wanted.
      if (sqlState(error) !== DUPLICATE_DATABASE) throw error;
    });
  } finally {
    await client.end();
  }
}

/** Drops the database, then the roles the monolith made for its modules, which are server-wide. */
async function dropMonolithDatabase(admin: PostgresConnection, database: string): Promise<void> {
  await dropDatabase(admin, database);
  await dropRoles(
    admin,
    MONOLITH_MODULES.map((module) => monolithModuleRole(database, module)),
  );
}

/**
 * The monolith: the mail catcher, one database, then the one process on the gateway's port, ready once
 * its /readyz answers (its modules' schemas migrated), as the gateway is. No broker: its modules'
 * events go through their outboxes in process.
 */
export async function startMonolith(
  options: StackOptions,
  run: StackRun,
  plan: MonolithPlan,
): Promise<MonolithStack> {
  const mail = await startStackMail(options, run, plan.mailPorts);

  const database = monolithDatabaseName(options.databasePrefix ?? 'shop_');
  await abortable(createDatabase(options.postgres, database), options.signal);
  if (options.temporaryDatabases) run.onStop(() => dropMonolithDatabase(options.postgres, database));

  const traces = await receiveTraces(options);
  if (traces?.stop) run.onStop(traces.stop);

  // A fresh signing key per run: tokens from an earlier run stop working, as after a key rotation.
  const { privateKey } = generateKeyPairSync('ed25519');
  const monolith = run.launch({
    label: `${MONOLITH}#1`,
    app: MONOLITH,
    port: plan.port,
    script: appScript(MONOLITH),
    env: monolithEnv(
      {
        options: { ...options, env: { ...options.env, ...traces?.env } },
        smtpUrl: mail.smtpUrl,
        database,
        privateKey,
        flagsFile: options.flagsFile ?? DEFAULT_FLAGS_FILE,
      },
      plan.port,
    ),
    nodeArgs: appNodeArgs(MONOLITH, options),
  });
  const url = `http://127.0.0.1:${plan.port}`;
  await abortable(
    Promise.race([untilReady(monolith, () => waitForGateway(url, 60_000)), run.infrastructureLost()]),
    options.signal,
  );
  run.reportInfrastructureLoss();

  return {
    architecture: 'monolith',
    gatewayUrl: url,
    gatewayUrls: [url],
    database,
    mail: { smtpUrl: mail.smtpUrl, webUrl: mail.webUrl, pid: mail.pid },
    processes: run.replicas,
    logDir: plan.logDir,
    traces,
    pids: run.pids,
    stop: run.stop,
  };
}
