import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { dropDatabase, dropRoles, provisionDatabase } from '@shop/db';
import { readTlsDir } from '@shop/service-identity';
import { APPS, SERVICES, databaseName, type AppName, type ServiceName } from './apps';
import { appNodeArgs, appScript, DEFAULT_FLAGS_FILE, WORKSPACE_ROOT } from './app-builds';
import { appEnv, type AppEnvContext } from './app-env';
import { startBroker } from './infrastructure';
import { issueStackCertificates } from './stack-certificates';
import { startStackMail, type StackMailPorts } from './stack-mail';
import { waitUntilServiceServes } from './service-health';
import { receiveTraces } from './stack-traces';
import type { Stack, StackOptions } from './start-stack';
import { abortable, untilReady, waitForGateway } from './start-waits';
import type { StackRun } from './stack-run';

/** The launcher's workload name: it calls nothing but health, which is open to every workload. */
export const LAUNCHER = 'stack-launcher';

export interface MicroservicesPlan {
  /** Per app, its replicas' ports. */
  ports: Record<AppName, number[]>;
  mailPorts: StackMailPorts;
  logDir: string;
}

/**
 * The microservices: a database and role per service, the broker and the mail catcher, every app with
 * its workload certificate, services first (each waits for its own migrations), then the gateway once
 * they all serve.
 */
export async function startMicroservices(
  options: StackOptions,
  run: StackRun,
  plan: MicroservicesPlan,
): Promise<Stack> {
  const { ports, logDir } = plan;
  const prefix = options.databasePrefix ?? 'shop_';
  const certsDir = options.certsDir ?? join(WORKSPACE_ROOT, 'tmp', 'stack', 'certs');

  const broker = await abortable(startBroker(options.kafkaBrokers, options.topicPrefix), options.signal);
  run.addInfrastructure('kafka broker', broker);
  const mail = await startStackMail(options, run, plan.mailPorts);

  const databases = Object.fromEntries(
    SERVICES.map((service) => [service, databaseName(service, prefix)]),
  ) as Record<ServiceName, string>;
  for (const service of SERVICES) {
    const name = databases[service];
    await abortable(
      provisionDatabase(options.postgres, { database: name, role: name, password: name }),
      options.signal,
    );
    if (options.temporaryDatabases)
      run.onStop(async () => {
        await dropDatabase(options.postgres, name);
        // The role is server-wide: left behind, every test run would add one.
        await dropRoles(options.postgres, [name]);
      });
  }

  // A fresh signing key per run: tokens from an earlier run stop working, as after a key rotation.
  const keys = generateKeyPairSync('ed25519');
  const addresses = Object.fromEntries(
    SERVICES.map((service) => [service, ports[service].map((port) => `127.0.0.1:${port}`).join(',')]),
  ) as Record<ServiceName, string>;

  const traces = await receiveTraces(options);
  if (traces?.stop) run.onStop(traces.stop);

  // Every app gets its workload certificate; the launcher one of its own for its health checks.
  await abortable(
    issueStackCertificates({ outDir: certsDir, caDir: join(certsDir, 'ca'), workloads: [...APPS, LAUNCHER] }),
    options.signal,
  );
  const launcherTls = readTlsDir(join(certsDir, LAUNCHER));

  const envContext: AppEnvContext = {
    options: { ...options, env: { ...options.env, ...traces?.env } },
    kafkaBrokers: broker.brokers,
    smtpUrl: mail.smtpUrl,
    addresses,
    databases,
    keys,
    flagsFile: options.flagsFile ?? DEFAULT_FLAGS_FILE,
    certsDir,
  };
  const launch = (app: AppName) =>
    ports[app].map((port, i) => {
      const label = `${app}#${i + 1}`;
      return run.launch({
        label,
        app,
        port,
        script: appScript(app),
        env: appEnv(envContext, app, port, label),
        nodeArgs: appNodeArgs(app, options),
      });
    });

  const services = SERVICES.flatMap(launch);
  await abortable(
    Promise.race([
      Promise.all(
        services.map((replica) =>
          untilReady(replica, () =>
            waitUntilServiceServes(`127.0.0.1:${replica.port}`, 60_000, launcherTls, replica.app),
          ),
        ),
      ),
      run.infrastructureLost(),
    ]),
    options.signal,
  );
  const gateways = launch('gateway');
  const gatewayUrls = gateways.map((gateway) => `http://127.0.0.1:${gateway.port}`);
  await abortable(
    Promise.race([
      Promise.all(
        gateways.map((gateway, i) =>
          untilReady(gateway, () => waitForGateway(gatewayUrls[i] as string, 60_000)),
        ),
      ),
      run.infrastructureLost(),
    ]),
    options.signal,
  );
  run.reportInfrastructureLoss();

  return {
    architecture: 'microservices',
    gatewayUrl: gatewayUrls[0] as string,
    gatewayUrls,
    addresses,
    kafkaBrokers: broker.brokers,
    brokerPid: broker.pid,
    mail: { smtpUrl: mail.smtpUrl, webUrl: mail.webUrl, pid: mail.pid },
    databases,
    processes: run.replicas,
    logDir,
    certsDir,
    traces,
    pids: run.pids,
    stop: run.stop,
  };
}
