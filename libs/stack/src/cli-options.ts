import { parseArgs } from 'node:util';
import { APPS, ARCHITECTURES, isAppName, isArchitecture, type AppName, type Architecture } from './apps';

export const USAGE = `npm run stack [-- OPTIONS]: the whole shop on this machine, no Docker.

  --architecture A         microservices (the default: the gateway, four gRPC services, a database
                           each, the broker) or monolith (apps/monolith alone on the gateway's port,
                           one database with a schema per module, no broker; no --scale, and
                           --port takes gateway only)
  --scale APP=N            N replicas of APP (1 to 12), repeatable
  --ports default|free     fixed ports (gateway 8080, services 15051-15054, mail 1025/1080; the default)
                           or free ones picked at start
  --port APP=PORT          the port of APP's first replica, repeatable
  --database-prefix P      prepended to database and role names (default shop_)
  --topic-prefix P         prepended to topic names (default none)
  --log-dir DIR            where each replica's log goes (default tmp/stack/logs)
  --certs-dir DIR          where the apps' gRPC certificates and their development CA are kept
                           (default tmp/stack/certs; made at the first start, reused after)
  --traces-dir DIR         where the stack keeps the latest traces for \`npm run traces\` (default
                           tmp/stack/traces); with OTEL_EXPORTER_OTLP_ENDPOINT set, the apps export
                           there instead (a collector or Jaeger)
  --no-traces              no tracing at all (unless OTEL_EXPORTER_OTLP_ENDPOINT is set)
  --status-file FILE       once ready, write the addresses and pids there as JSON (rewritten after a
                           restart, removed at a clean stop)
  --source-maps            run the apps with --enable-source-maps: stack traces name TypeScript
                           lines, at 10-13 MiB more per app
  --no-build               run the apps as built, without building them first
  --quiet                  do not echo the apps' logs (they still go to the log files)
  --help`;

export interface CliOptions {
  architecture: Architecture;
  scale: Partial<Record<AppName, number>>;
  ports: 'default' | 'free';
  pinnedPorts: Partial<Record<AppName, number>>;
  databasePrefix: string | undefined;
  topicPrefix: string | undefined;
  logDir: string | undefined;
  certsDir: string | undefined;
  traceDir: string | undefined;
  traces: boolean;
  statusFile: string | undefined;
  sourceMaps: boolean;
  build: boolean;
  quiet: boolean;
  help: boolean;
}

/** `APP=N` pairs, N a whole number within [min, max]. */
function perApp(flag: string, values: readonly string[], min: number, max: number) {
  const result: Partial<Record<AppName, number>> = {};
  for (const value of values) {
    const [app, count] = value.split('=');
    const n = Number(count);
    if (!app || !isAppName(app) || !Number.isInteger(n) || n < min || n > max) {
      throw new Error(
        `${flag} takes APP=N with APP one of ${APPS.join(', ')} and N from ${min} to ${max}; got "${value}"`,
      );
    }
    result[app] = n;
  }
  return result;
}

export function parseCliOptions(args: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...args],
    allowNegative: true,
    options: {
      architecture: { type: 'string', default: 'microservices' },
      scale: { type: 'string', multiple: true, default: [] },
      ports: { type: 'string', default: 'default' },
      port: { type: 'string', multiple: true, default: [] },
      'database-prefix': { type: 'string' },
      'topic-prefix': { type: 'string' },
      'log-dir': { type: 'string' },
      'certs-dir': { type: 'string' },
      'traces-dir': { type: 'string' },
      traces: { type: 'boolean', default: true },
      'status-file': { type: 'string' },
      'source-maps': { type: 'boolean', default: false },
      build: { type: 'boolean', default: true },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (!isArchitecture(values.architecture))
    throw new Error(`--architecture takes ${ARCHITECTURES.join(' or ')}; got "${values.architecture}"`);
  if (values.ports !== 'default' && values.ports !== 'free')
    throw new Error(`--ports takes default or free; got "${values.ports}"`);
  const databasePrefix = values['database-prefix'];
  // Database and role names are plain lower-case identifiers (see @shop/db's provisioning).
  if (databasePrefix !== undefined && !/^[a-z_][a-z0-9_]*$/.test(databasePrefix))
    throw new Error(`--database-prefix takes lower-case letters, digits and _; got "${databasePrefix}"`);
  return {
    architecture: values.architecture,
    scale: perApp('--scale', values.scale, 1, 12),
    ports: values.ports,
    pinnedPorts: perApp('--port', values.port, 1, 65535),
    databasePrefix,
    topicPrefix: values['topic-prefix'],
    logDir: values['log-dir'],
    certsDir: values['certs-dir'],
    traceDir: values['traces-dir'],
    traces: values.traces,
    statusFile: values['status-file'],
    sourceMaps: values['source-maps'],
    build: values.build,
    quiet: values.quiet,
    help: values.help,
  };
}
