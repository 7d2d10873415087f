/**
 * The env contract between the deployment files and the apps: every variable a deployment gives an app
 * is one that the app's config schema declares (or a standard runtime variable such as OTEL_*), every
 * variable the schema requires is given, and every literal value passes the schema.
 *
 *   npx tsx --tsconfig tsconfig.base.json tools/scripts/check-env-contract.ts [docker-compose.yml]
 *
 * For docker-compose.yml it also checks the wiring: database credentials match the database service
 * that PGHOST names, gRPC addresses name a service and its GRPC_PORT, and every host an app is pointed
 * at is a service of the file. `npm run k8s:check` uses the same contract for the Kubernetes manifests.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { describeConfig, loadConfig, type z } from '@shop/config';
import { emailConfigSchema } from '../../apps/email-service/src/config';
import { gatewayConfigSchema } from '../../apps/gateway/src/config';
import { monolithConfigSchema } from '../../apps/monolith/src/config';
import { ordersConfigSchema } from '../../apps/orders-service/src/config';
import { paymentsConfigSchema } from '../../apps/payments-service/src/config';
import { usersConfigSchema } from '../../apps/users-service/src/config';

export const APP_SCHEMAS: Record<string, z.ZodObject> = {
  gateway: gatewayConfigSchema,
  'users-service': usersConfigSchema,
  'orders-service': ordersConfigSchema,
  'payments-service': paymentsConfigSchema,
  'email-service': emailConfigSchema,
};

/**
 * Apps that only compose runs, under a profile (not by default, and not in the Kubernetes manifests):
 * their env is checked like the others' wherever the compose file gives them one.
 */
export const PROFILE_APP_SCHEMAS: Record<string, z.ZodObject> = {
  monolith: monolithConfigSchema,
};

const schemaOf = (app: string): z.ZodObject | undefined => APP_SCHEMAS[app] ?? PROFILE_APP_SCHEMAS[app];

/** Variables that are not the app's config but the runtime's: read by the OpenTelemetry SDK or Node. */
export const RUNTIME_VARIABLES = [/^OTEL_[A-Z0-9_]+$/, /^NODE_OPTIONS$/];

/** A value that is given but not known here (from a Secret, the downward API, ...). */
export const OPAQUE = Symbol('opaque');
export type EnvValue = string | typeof OPAQUE;

export interface ContractReport {
  app: string;
  given: string[];
  problems: string[];
}

/**
 * Checks one app's environment against its schema: names declared, required ones present, literal values
 * valid (one by one, and as a whole when every value is known). `extra` names variables that the
 * deployment may set for its own plumbing (e.g. the downward API variables that OTEL_RESOURCE_ATTRIBUTES
 * refers to in Kubernetes).
 */
export function checkAppEnv(
  app: string,
  env: Record<string, EnvValue>,
  extra: string[] = [],
): ContractReport {
  const schema = schemaOf(app);
  if (!schema) return { app, given: Object.keys(env), problems: [`no config schema known for ${app}`] };
  const declared = new Map(describeConfig(schema).map((variable) => [variable.name, variable]));
  const problems: string[] = [];
  for (const name of Object.keys(env)) {
    if (declared.has(name) || extra.includes(name)) continue;
    if (RUNTIME_VARIABLES.some((pattern) => pattern.test(name))) continue;
    problems.push(`${name} is given but not declared by ${app}'s config schema`);
  }
  for (const variable of declared.values()) {
    const value = env[variable.name];
    if (variable.required && (value === undefined || value === '')) {
      problems.push(`${variable.name} is required by ${app} but not given (${variable.description})`);
    }
  }
  const known: Record<string, string> = {};
  let allKnown = true;
  for (const [name, value] of Object.entries(env)) {
    if (value === OPAQUE) {
      allKnown = false;
      continue;
    }
    known[name] = value;
    const field = schema.shape[name] as z.ZodType | undefined;
    if (!field || value === '') continue;
    const result = field.safeParse(value);
    if (!result.success) {
      problems.push(
        `${name}=${JSON.stringify(value)}: ${result.error.issues.map((i) => i.message).join('; ')}`,
      );
    }
  }
  if (allKnown && problems.length === 0) {
    try {
      loadConfig(schema, known);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { app, given: Object.keys(env).sort(), problems };
}

// --- docker-compose.yml ---------------------------------------------------------------------------

type Service = {
  image?: string;
  environment?: Record<string, unknown> | string[];
  env_file?: string | (string | { path: string })[];
};

/** Compose interpolation with the defaults of a fresh clone: `${VAR:-default}`, `${VAR-default}`, `$$`. */
export function interpolate(value: string, vars: Record<string, string | undefined> = {}): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced?: string, op?: string, fallback?: string, bare?: string) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare) as string;
      const current = vars[name];
      if (op === ':-') return current ? current : (fallback ?? '');
      if (op === '-') return current !== undefined ? current : (fallback ?? '');
      return current ?? '';
    },
  );
}

/** A dotenv file as compose reads it: KEY=VALUE lines, comments, optional quotes. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    let value = match[2] as string;
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted)
      value = quoted[1] === '"' ? (quoted[2] as string).replace(/\\n/g, '\n') : (quoted[2] as string);
    env[match[1] as string] = value;
  }
  return env;
}

export function loadCompose(file: string): { services: Record<string, Service>; root: string } {
  const document = parseDocument(readFileSync(file, 'utf8'), { merge: true });
  if (document.errors.length > 0) throw new Error(document.errors.map((e) => e.message).join('\n'));
  const compose = document.toJS({ maxAliasCount: -1 }) as { services?: Record<string, Service> };
  return { services: compose.services ?? {}, root: dirname(resolve(file)) };
}

/** A scalar of the compose file as the text compose passes on; null (`NAME:` alone) is empty. */
function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return `${value}`;
  throw new Error(`an environment value must be a string, number or boolean, not ${JSON.stringify(value)}`);
}

/** The environment compose gives a service: its env files, then `environment` over them. */
export function serviceEnv(service: Service, root: string): Record<string, string> {
  const env: Record<string, string> = {};
  const files = service.env_file === undefined ? [] : [service.env_file].flat();
  for (const entry of files) {
    const path = typeof entry === 'string' ? entry : entry.path;
    Object.assign(env, parseEnvFile(readFileSync(join(root, interpolate(path)), 'utf8')));
  }
  const environment = service.environment ?? {};
  // Compose's list form (`NAME=value`, or `NAME` alone for an empty value) and its map form, whose
  // values YAML may have read as numbers or booleans.
  const pairs: [string, string][] = Array.isArray(environment)
    ? environment.map((entry): [string, string] => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      })
    : Object.entries(environment).map(([name, value]): [string, string] => [name, scalarText(value)]);
  for (const [name, value] of pairs) env[name] = interpolate(value);
  return env;
}

/** Cross-service wiring of the compose file: where each app is pointed at exists and matches. */
export function checkComposeWiring(services: Record<string, Service>, root: string): string[] {
  const problems: string[] = [];
  const envOf = (name: string) => {
    const service = services[name];
    return service ? serviceEnv(service, root) : undefined;
  };
  for (const app of [...Object.keys(APP_SCHEMAS), ...Object.keys(PROFILE_APP_SCHEMAS)]) {
    const env = envOf(app);
    if (!env) continue;
    if (env['PGHOST']) {
      const db = envOf(env['PGHOST']);
      if (!db) problems.push(`${app}: PGHOST=${env['PGHOST']} is not a service`);
      else {
        const pairs: [string, string][] = [
          ['PGUSER', 'POSTGRES_USER'],
          ['PGPASSWORD', 'POSTGRES_PASSWORD'],
          ['PGDATABASE', 'POSTGRES_DB'],
        ];
        for (const [app_var, db_var] of pairs) {
          if (env[app_var] !== db[db_var]) {
            problems.push(
              `${app}: ${app_var}=${env[app_var]} but ${env['PGHOST']} has ${db_var}=${db[db_var]}`,
            );
          }
        }
      }
    }
    if (env['DATABASE_URL']) {
      // The monolith's one database: a URL naming a database service and its own credentials.
      const url = new URL(env['DATABASE_URL']);
      const db = envOf(url.hostname);
      if (!db) problems.push(`${app}: DATABASE_URL points at ${url.hostname}, which is not a service`);
      else {
        const given: [string, string][] = [
          ['POSTGRES_USER', decodeURIComponent(url.username)],
          ['POSTGRES_PASSWORD', decodeURIComponent(url.password)],
          ['POSTGRES_DB', url.pathname.replace(/^\//, '')],
        ];
        for (const [db_var, value] of given) {
          if (value !== db[db_var]) {
            problems.push(
              `${app}: DATABASE_URL has ${value} where ${url.hostname} has ${db_var}=${db[db_var]}`,
            );
          }
        }
      }
    }
    for (const [name, value] of Object.entries(env)) {
      if (!name.endsWith('_SERVICE_ADDRESS')) continue;
      const match = /^(?:dns:\/\/\/)?([a-z0-9-]+):(\d+)$/.exec(value);
      const target = match?.[1];
      if (!match || !target) {
        problems.push(`${app}: ${name}=${value} is not host:port or dns:///host:port`);
        continue;
      }
      const expected = name.replace(/_SERVICE_ADDRESS$/, '').toLowerCase() + '-service';
      if (target !== expected) problems.push(`${app}: ${name} points at ${target}, expected ${expected}`);
      const peer = envOf(target);
      const peerPort = peer?.['GRPC_PORT'];
      if (!peer) problems.push(`${app}: ${name} names ${target}, which is not a service`);
      else if (peerPort !== match[2]) {
        problems.push(
          `${app}: ${name} uses port ${match[2]}, ${target} listens on ${peerPort ?? 'its default'}`,
        );
      }
    }
    const hosts: [string, string | undefined][] = [
      ['KAFKA_BROKERS', env['KAFKA_BROKERS']?.split(',')[0]?.split(':')[0]],
      ['SMTP_URL', env['SMTP_URL'] && new URL(env['SMTP_URL']).hostname],
      [
        'OTEL_EXPORTER_OTLP_ENDPOINT',
        env['OTEL_EXPORTER_OTLP_ENDPOINT'] && new URL(env['OTEL_EXPORTER_OTLP_ENDPOINT']).hostname,
      ],
    ];
    for (const [name, host] of hosts) {
      if (host && !services[host]) problems.push(`${app}: ${name} points at ${host}, which is not a service`);
    }
    if (env['OTEL_SERVICE_NAME'] !== undefined && env['OTEL_SERVICE_NAME'] !== app) {
      problems.push(`${app}: OTEL_SERVICE_NAME=${env['OTEL_SERVICE_NAME']} is not the app's name`);
    }
  }
  return problems;
}

export function checkComposeFile(file: string): { reports: ContractReport[]; wiring: string[] } {
  const { services, root } = loadCompose(file);
  const reports: ContractReport[] = [];
  for (const app of Object.keys(APP_SCHEMAS)) {
    const service = services[app];
    if (!service) {
      reports.push({ app, given: [], problems: [`${file} has no service ${app}`] });
      continue;
    }
    reports.push(checkAppEnv(app, serviceEnv(service, root)));
  }
  for (const app of Object.keys(PROFILE_APP_SCHEMAS)) {
    const service = services[app];
    if (service) reports.push(checkAppEnv(app, serviceEnv(service, root)));
  }
  return { reports, wiring: checkComposeWiring(services, root) };
}

function main(): void {
  const file = resolve(process.argv[2] ?? 'docker-compose.yml');
  const { reports, wiring } = checkComposeFile(file);
  let failed = false;
  for (const report of reports) {
    const status = report.problems.length === 0 ? 'ok' : 'FAILED';
    console.log(`${report.app}: ${status} (${report.given.length} variables)`);
    for (const problem of report.problems) console.log(`  - ${problem}`);
    failed ||= report.problems.length > 0;
  }
  console.log(`wiring: ${wiring.length === 0 ? 'ok' : 'FAILED'}`);
  for (const problem of wiring) console.log(`  - ${problem}`);
  failed ||= wiring.length > 0;
  if (failed) {
    console.error(`env contract of ${file}: FAILED`);
    process.exit(1);
  }
  console.log(`env contract of ${file}: every variable declared, every required one given`);
}

if (require.main === module) main();
