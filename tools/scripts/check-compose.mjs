// npm run compose:check: validates docker-compose.yml, the Dockerfile and the files they mount, offline
// and without a container engine.
//
// - docker-compose.yml against the compose-spec schema, plus lint rules (dclint);
// - the compose rules of this project: no container_name, host ports only for the gateway and the UIs,
//   a memory limit on every container (and the total within the budget), a healthcheck on everything
//   that serves, depends_on with conditions, every app built from the Dockerfile with its APP;
// - the Dockerfile (dockerfile-utils) and what the images promise (non-root, probe, start command);
// - the env contract (tools/scripts/check-env-contract.ts) and the topic list (generated, up to date);
// - the dev key pair, the collector (and its tail-sampling overlay, merged as the collector merges it),
//   Loki, Jaeger, Prometheus and Grafana configs (references resolve; promtool checks the Prometheus
//   config, the alerting rules and their unit tests, and every dashboard query when it is installed).
//
// Exits non-zero on the first failed group, after printing every problem of that group.
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate as validateDockerfile, ValidationSeverity } from 'dockerfile-utils';
import { parse } from 'yaml';
import { mebibytes, memoryOf, readCompose, root } from '../containers/compose-file.mjs';

const composeFile = process.env.COMPOSE_FILE_TO_CHECK ?? join(root, 'docker-compose.yml');
const dockerfile = process.env.DOCKERFILE_TO_CHECK ?? join(root, 'Dockerfile');
const composeDir = join(root, 'deploy/compose');

const APPS = ['gateway', 'users-service', 'orders-service', 'payments-service', 'email-service', 'monolith'];
/** The only services that publish host ports; everything else must stay scalable. */
const HOST_PORTS_ALLOWED = new Set(['gateway', 'monolith', 'jaeger', 'grafana', 'mailpit', 'prometheus']);
/** Services that serve but cannot be probed from inside: the image has no shell or probe binary. */
const NO_HEALTHCHECK = { 'otel-collector': 'scratch image without a shell; the apps retry their exports' };
/** One-shot jobs and clients: nothing to probe, and (one-shot) not part of the steady-state budget. */
const ONE_SHOT = new Set(['kafka-init', 'certs']);
const CLIENTS = new Set(['demo-traffic']);
/**
 * The memory budget of `docker compose up` (sum of the limits of what keeps running), MiB: the Node
 * containers' limits as measured below, the infrastructure's as sized in README.md ("Memory").
 */
const BUDGET_MIB = 2816;
/**
 * What `npm run images:check` measured per Node container, MiB: the process's peak RSS (VmHWM, code pages
 * included) under a mixed load of 40 requests/s (users-service: under a sign-up overload, four password
 * hashes at once), plus 17 MiB for the health probe, which runs inside the container. A limit below
 * its figure is a guess; remeasure before lowering one.
 */
const MEASURED_PEAK_MIB = {
  gateway: 187,
  'users-service': 274,
  'orders-service': 164,
  'payments-service': 149,
  'email-service': 161,
  'demo-traffic': 84,
};
const START_COMMAND = '["node","--enable-source-maps","--import","./telemetry.js","main.js"]';

let failures = 0;
function group(title, run) {
  const problems = [];
  let notes = [];
  try {
    notes = run(problems) ?? [];
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${title}`);
  for (const note of notes) console.log(`       ${note}`);
  for (const problem of problems) console.log(`     - ${problem}`);
  if (problems.length > 0) failures++;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', ...options });
  return { status: result.status ?? 1, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}
const bin = (name) => join(root, 'node_modules/.bin', name);
const tsx = (script, ...args) =>
  run(process.execPath, [bin('tsx'), '--tsconfig', 'tsconfig.base.json', script, ...args]);
const has = (command) => run('sh', ['-c', `command -v ${command}`]).status === 0;

const { doc: composeDoc, services } = readCompose(composeFile);

group('docker-compose.yml: compose-spec schema and lint rules (dclint)', (problems) => {
  const result = run(process.execPath, [
    bin('dclint'),
    composeFile,
    '-c',
    join(composeDir, 'dclint.config.json'),
    '--max-warnings',
    '0',
    '--color',
    'false',
  ]);
  if (result.status !== 0) problems.push(result.output);
});

group('docker-compose.yml: scalable, limited, probed, ordered', (problems) => {
  if (composeDoc.errors.length > 0) problems.push(...composeDoc.errors.map((e) => e.message));
  for (const [name, service] of Object.entries(services)) {
    if (service.container_name) problems.push(`${name}: container_name stops --scale; remove it`);
    if (service.ports?.length && !HOST_PORTS_ALLOWED.has(name)) {
      problems.push(`${name}: publishes host ports; only ${[...HOST_PORTS_ALLOWED].join(', ')} may`);
    }
    if (!memoryOf(service)) problems.push(`${name}: no memory limit (deploy.resources.limits.memory)`);
    const serves = !ONE_SHOT.has(name) && !CLIENTS.has(name);
    const probe = service.healthcheck;
    if (serves && !NO_HEALTHCHECK[name] && (!probe || probe.disable || !probe.test)) {
      problems.push(`${name}: serves but has no healthcheck`);
    }
    for (const [dependency, spec] of Object.entries(service.depends_on ?? {})) {
      if (!services[dependency]) problems.push(`${name}: depends on unknown service ${dependency}`);
      const condition = spec?.condition;
      if (!['service_healthy', 'service_completed_successfully', 'service_started'].includes(condition)) {
        problems.push(`${name}: depends_on ${dependency} without a condition`);
      }
      if (condition === 'service_healthy' && !services[dependency]?.healthcheck) {
        problems.push(`${name}: waits for ${dependency} to be healthy, but it has no healthcheck`);
      }
      if (condition === 'service_completed_successfully' && !ONE_SHOT.has(dependency)) {
        problems.push(`${name}: waits for ${dependency} to complete, but it is not a one-shot job`);
      }
    }
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
      if (source?.startsWith('.') && !existsSync(join(root, source))) {
        problems.push(`${name}: mounts ${source}, which does not exist`);
      }
    }
  }
  for (const app of APPS) {
    const service = services[app];
    if (!service) {
      problems.push(`no service ${app}`);
      continue;
    }
    const build = service.build ?? {};
    if ((build.dockerfile ?? 'Dockerfile') !== 'Dockerfile' || build.args?.APP !== app) {
      problems.push(`${app}: must build from the Dockerfile with APP=${app}`);
    }
    if (service.command || service.entrypoint) problems.push(`${app}: overrides the image's start command`);
  }
});

group(`memory budget (limits of what keeps running, at most ${BUDGET_MIB} MiB)`, (problems) => {
  // Services under a profile (the monolith's) do not run with `docker compose up`.
  const rows = Object.entries(services)
    .filter(([name, service]) => !ONE_SHOT.has(name) && !service.profiles?.length)
    .map(([name, service]) => [name, mebibytes(memoryOf(service))]);
  const total = rows.reduce((sum, [, mib]) => sum + mib, 0);
  if (!(total <= BUDGET_MIB)) problems.push(`limits add up to ${total} MiB`);
  for (const [name, measured] of Object.entries(MEASURED_PEAK_MIB)) {
    const limit = rows.find(([row]) => row === name)?.[1];
    if (!(limit >= measured))
      problems.push(`${name}: limit ${limit} MiB, below its measured ${measured} MiB`);
  }
  const apps = rows.filter(([name]) => APPS.includes(name)).reduce((sum, [, mib]) => sum + mib, 0);
  return [
    rows.map(([name, mib]) => `${name} ${mib}`).join(', '),
    `total ${total} MiB (apps ${apps}, the rest ${total - apps}); each extra replica adds its app's limit`,
  ];
});

group('Dockerfile: lint (dockerfile-utils) and what the images promise', (problems) => {
  const text = readFileSync(dockerfile, 'utf8');
  const everything = Object.fromEntries(
    [
      'deprecatedMaintainer',
      'directiveCasing',
      'emptyContinuationLine',
      'instructionCasing',
      'instructionCmdMultiple',
      'instructionEntrypointMultiple',
      'instructionHealthcheckMultiple',
      'instructionJSONInSingleQuotes',
      'instructionWorkdirRelative',
    ].map((rule) => [rule, ValidationSeverity.ERROR]),
  );
  for (const diagnostic of validateDockerfile(text, everything)) {
    problems.push(`line ${diagnostic.range.start.line + 1}: ${diagnostic.message}`);
  }
  const stages = text.split(/^FROM /m).slice(1);
  const final = stages.at(-1) ?? '';
  const base = /^ARG NODE_IMAGE=(\S+)/m.exec(text)?.[1];
  if (!/^node:24(\.[\d.]+)?-bookworm-slim$/.test(base ?? '')) {
    problems.push(`base image ${base}: the official Node 24 bookworm-slim image`);
  }
  if (!/^ARG APP$/m.test(text)) problems.push('no ARG APP');
  if (!/npm ci --omit=dev/.test(text))
    problems.push('production dependencies are not installed with npm ci --omit=dev');
  if (!/^USER (node|[1-9]\d*)/m.test(final)) problems.push('the final stage does not run as a non-root user');
  if (!/^HEALTHCHECK /m.test(final)) problems.push('the final stage has no HEALTHCHECK');
  const cmd = /^CMD (.+)$/m.exec(final)?.[1]?.replace(/\s+/g, '');
  if (cmd !== START_COMMAND) problems.push(`CMD is ${cmd}, expected ${START_COMMAND}`);
  if (/\b(curl|wget|git clone)\b/.test(text.replace(/^#.*$/gm, ''))) {
    problems.push('downloads at build time: only the package registries may be used');
  }
  // .dockerignore: an allowlist (`*`, then `!` entries) or a denylist; either way no node_modules, dist
  // or .git in the context, and every file the Dockerfile copies from the context is in it.
  const ignore = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const allowlist = ignore.includes('*');
  const excluded = (entry) => ignore.some((line) => line.replace(/^\*\*\//, '') === entry);
  for (const entry of ['node_modules', 'dist', ...(allowlist ? [] : ['.git'])]) {
    if (!excluded(entry)) problems.push(`.dockerignore does not exclude ${entry}`);
  }
  for (const [, source] of text.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)) {
    for (const path of source.split(/\s+/)) {
      if (path === '.') continue;
      if (!existsSync(join(root, path))) problems.push(`COPY ${path}: no such file`);
      if (
        allowlist &&
        !ignore.some(
          (line) => line === `!${path}` || (line.startsWith('!') && path.startsWith(line.slice(1))),
        )
      ) {
        problems.push(`COPY ${path}: not in the .dockerignore allowlist`);
      }
    }
  }
});

group('env contract: compose gives each app only what its config schema declares', (problems) => {
  const result = tsx('tools/scripts/check-env-contract.ts', composeFile);
  if (result.status !== 0) problems.push(result.output);
  return result.status === 0 ? result.output.split('\n').filter((line) => /^\S+: ok/.test(line)) : [];
});

group('topic lists generated from libs/kafka/src/topics.ts are up to date', (problems) => {
  const result = tsx('tools/containers/generate-topics.ts', '--check');
  if (result.status !== 0) problems.push(result.output);
  const script = run('bash', ['-n', join(composeDir, 'kafka/create-topics.sh')]);
  if (script.status !== 0) problems.push(`create-topics.sh: ${script.output}`);
  const mounts = services['kafka-init']?.volumes ?? [];
  if (!mounts.some((volume) => String(volume).startsWith('./deploy/compose/kafka:'))) {
    problems.push('kafka-init does not mount deploy/compose/kafka');
  }
});

group('dev keys: the committed pair matches', (problems) => {
  const read = (file, name) => {
    const line = readFileSync(join(composeDir, 'dev-keys', file), 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith(`${name}=`));
    if (!line) throw new Error(`${file} has no ${name}`);
    return line.slice(name.length + 1).replace(/\\n/g, '\n');
  };
  const privateKey = createPrivateKey(read('users-service.env', 'JWT_PRIVATE_KEY'));
  const publicKey = createPublicKey(read('gateway.env', 'JWT_PUBLIC_KEY'));
  if (privateKey.asymmetricKeyType !== 'ed25519') problems.push('JWT_PRIVATE_KEY is not Ed25519');
  const derived = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  if (!derived.equals(publicKey.export({ type: 'spki', format: 'der' }))) {
    problems.push("gateway.env's public key does not belong to users-service.env's private key");
  }
});

/** Every component a pipeline names is defined, and every defined one is used. */
function checkPipelines(config, problems, label) {
  const kinds = ['receivers', 'processors', 'exporters', 'connectors'];
  const used = new Set();
  for (const [name, pipeline] of Object.entries(config.service?.pipelines ?? {})) {
    for (const [kind, list] of Object.entries(pipeline)) {
      for (const component of list ?? []) {
        const defined =
          config[kind]?.[component] !== undefined || config.connectors?.[component] !== undefined;
        if (!defined)
          problems.push(`${label}: pipeline ${name} uses undefined ${kind.slice(0, -1)} ${component}`);
        used.add(component);
      }
    }
  }
  for (const extension of config.service?.extensions ?? []) {
    if (config.extensions?.[extension] === undefined)
      problems.push(`${label}: undefined extension ${extension}`);
    used.add(extension);
  }
  for (const kind of [...kinds, 'extensions']) {
    for (const component of Object.keys(config[kind] ?? {})) {
      if (!used.has(component))
        problems.push(`${label}: ${kind.slice(0, -1)} ${component} is defined but not used`);
    }
  }
}

/** The collector's merge of several --config files: maps merge key by key, anything else is replaced. */
function mergeConfigs(base, overlay) {
  if (typeof base !== 'object' || base === null || Array.isArray(base)) return overlay;
  if (typeof overlay !== 'object' || overlay === null || Array.isArray(overlay)) return overlay;
  const merged = { ...base };
  for (const [key, value] of Object.entries(overlay)) merged[key] = mergeConfigs(base[key], value);
  return merged;
}

group('OpenTelemetry Collector, Loki and Jaeger configs', (problems) => {
  const collector = parse(readFileSync(join(composeDir, 'otel-collector.yaml'), 'utf8'), { merge: true });
  checkPipelines(collector, problems, 'otel-collector.yaml');
  // The tail-sampling switch: the overlay merged over the config must itself be a valid config, and the
  // override file must run the collector with both files, mounted where it reads them.
  const overlayFile = 'otel-collector.tail-sampling.yaml';
  const sampled = mergeConfigs(collector, parse(readFileSync(join(composeDir, overlayFile), 'utf8')));
  checkPipelines(sampled, problems, `otel-collector.yaml + ${overlayFile}`);
  if (!sampled.processors?.tail_sampling?.policies?.length)
    problems.push(`${overlayFile}: no tail_sampling policies`);
  const spansTo = (config) =>
    Object.values(config.service?.pipelines ?? {}).filter((pipeline) =>
      pipeline.exporters?.includes('otlp/jaeger'),
    );
  if (!spansTo(sampled).every((pipeline) => pipeline.processors?.includes('tail_sampling'))) {
    problems.push(`${overlayFile}: a pipeline sends traces to Jaeger without tail_sampling`);
  }
  const override =
    readCompose(join(composeDir, 'tail-sampling.compose.yml')).services['otel-collector'] ?? {};
  for (const mount of override.volumes ?? []) {
    const [source, target] = String(mount).split(':');
    if (!existsSync(join(root, source)))
      problems.push(`tail-sampling.compose.yml mounts ${source}: no such file`);
    if (!override.command?.includes(`--config=${target}`))
      problems.push(`tail-sampling.compose.yml mounts ${target} but the collector does not read it`);
  }
  // Logs go to the loki service, which runs loki.yaml.
  const loki = parse(readFileSync(join(composeDir, 'loki.yaml'), 'utf8'));
  const lokiEndpoint = new URL(collector.exporters?.['otlphttp/loki']?.endpoint ?? 'http://missing');
  if (!services[lokiEndpoint.hostname] || Number(lokiEndpoint.port) !== loki.server?.http_listen_port) {
    problems.push(`otel-collector.yaml: logs go to ${lokiEndpoint.host}, not to the loki service's port`);
  }
  if (!services.loki?.volumes?.some((volume) => String(volume).startsWith('./deploy/compose/loki.yaml:'))) {
    problems.push('the loki service does not mount deploy/compose/loki.yaml');
  }
  // A Go process beside its memory limit: GOMEMLIMIT below the limit, so the runtime collects first.
  for (const name of ['otel-collector', 'loki']) {
    const soft = /^(\d+)MiB$/.exec(String(services[name]?.environment?.GOMEMLIMIT ?? ''))?.[1];
    const limit = mebibytes(memoryOf(services[name] ?? {}));
    if (!soft || Number(soft) > limit * 0.9)
      problems.push(
        `${name}: GOMEMLIMIT (${soft ?? 'unset'} MiB) must be set, at most 90% of its ${limit} MiB limit`,
      );
  }
  const given = services['otel-collector']?.environment ?? {};
  for (const [, name] of readFileSync(join(composeDir, 'otel-collector.yaml'), 'utf8').matchAll(
    /\$\{env:([A-Z0-9_]+)\}/g,
  )) {
    if (!(name in given)) problems.push(`otel-collector.yaml reads ${name}, which compose does not give it`);
  }
  for (const [pipeline, spec] of Object.entries(collector.service?.pipelines ?? {})) {
    for (const exporter of spec.exporters ?? []) {
      if (!collector.connectors?.[exporter]) continue;
      const consumed = Object.values(collector.service.pipelines).some((other) =>
        other.receivers?.includes(exporter),
      );
      if (!consumed) problems.push(`connector ${exporter} (fed by ${pipeline}) feeds no pipeline`);
    }
  }
  const jaeger = parse(readFileSync(join(composeDir, 'jaeger.yaml'), 'utf8'));
  checkPipelines(jaeger, problems, 'jaeger.yaml');
  const backends = jaeger.extensions?.jaeger_storage ?? {};
  const query = jaeger.extensions?.jaeger_query?.storage ?? {};
  if (!backends.backends?.[query.traces])
    problems.push(`jaeger.yaml: trace storage ${query.traces} undefined`);
  if (query.metrics && !backends.metric_backends?.[query.metrics]) {
    problems.push(`jaeger.yaml: metric storage ${query.metrics} undefined`);
  }
  JSON.parse(readFileSync(join(composeDir, 'jaeger-ui.json'), 'utf8'));
  // Where the collector sends traces, metrics are scraped from, and Jaeger reads span metrics.
  if (!String(collector.exporters?.['otlp/jaeger']?.endpoint).startsWith('jaeger:')) {
    problems.push('otel-collector.yaml: traces do not go to the jaeger service');
  }
});

/** The PromQL of every dashboard panel, with Grafana's variables replaced by something PromQL parses. */
function dashboardQueries() {
  const dir = join(composeDir, 'grafana/dashboards');
  const queries = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json'))) {
    const dashboard = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const walk = (panels) => {
      for (const panel of panels ?? []) {
        walk(panel.panels);
        for (const target of panel.targets ?? []) {
          queries.push({
            file,
            uid: dashboard.uid,
            panel: panel.title,
            datasource: target.datasource ?? panel.datasource,
            expr: target.expr,
            promql: (target.datasource ?? panel.datasource)?.type === 'prometheus',
          });
        }
      }
    };
    walk(dashboard.panels);
  }
  return queries;
}

group('Prometheus and Grafana: config, datasources, dashboards and their queries', (problems) => {
  const notes = [];
  const prometheus = parse(readFileSync(join(composeDir, 'prometheus.yml'), 'utf8'));
  for (const job of prometheus.scrape_configs ?? []) {
    for (const target of job.static_configs?.flatMap((config) => config.targets) ?? []) {
      const host = target.split(':')[0];
      if (host !== 'localhost' && !services[host])
        problems.push(`prometheus.yml scrapes ${target}: no such service`);
    }
  }
  const datasources = parse(
    readFileSync(join(composeDir, 'grafana/provisioning/datasources/datasources.yaml'), 'utf8'),
  );
  const uids = new Map(datasources.datasources.map((source) => [source.uid, source]));
  for (const source of datasources.datasources) {
    const host = new URL(source.url).hostname;
    if (!services[host]) problems.push(`datasource ${source.name} points at ${host}: no such service`);
  }
  const links = [
    ...(uids.get('prometheus')?.jsonData?.exemplarTraceIdDestinations ?? []),
    ...(uids.get('loki')?.jsonData?.derivedFields ?? []),
    uids.get('jaeger')?.jsonData?.tracesToMetrics,
    uids.get('jaeger')?.jsonData?.tracesToLogsV2,
  ];
  for (const link of links) {
    if (!uids.has(link?.datasourceUid))
      problems.push(`a link goes to unknown datasource ${link?.datasourceUid}`);
  }
  const queries = dashboardQueries();
  const seen = new Set();
  for (const query of queries) {
    if (!uids.has(query.datasource?.uid))
      problems.push(`${query.file} "${query.panel}": unknown datasource ${query.datasource?.uid}`);
    if (!query.expr) problems.push(`${query.file} "${query.panel}": empty query`);
    seen.add(query.uid);
  }
  const home = services.grafana?.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
  if (home && !existsSync(join(composeDir, 'grafana/dashboards', home.split('/').pop()))) {
    problems.push(`home dashboard ${home} does not exist`);
  }
  // Every metric a dashboard reads is documented in deploy/compose/README.md.
  const documented = readFileSync(join(composeDir, 'README.md'), 'utf8');
  const metrics = new Set();
  const alertRules = parse(readFileSync(join(composeDir, 'alerts/shop.rules.yml'), 'utf8'));
  const alertExprs = alertRules.groups.flatMap((group) => group.rules.map((rule) => rule.expr));
  for (const expr of [...queries.filter((query) => query.promql).map((query) => query.expr), ...alertExprs]) {
    for (const [name] of expr.matchAll(/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g)) {
      if (/^(histogram_quantile|label_values|label_replace)$/.test(name)) continue;
      if (/_(bucket|count|sum|total)$/.test(name)) {
        metrics.add(name.replace(/_(bucket|count|sum)$/, ''));
      } else if (/^(app|http|rpc|db|messaging|kafka|nodejs|v8js|traces|target)_/.test(name))
        metrics.add(name);
    }
  }
  const labels =
    /^(http_route|http_request_method|http_response_status_code|rpc_method|rpc_response_status_code|db_client_connection_state|messaging_destination_name|messaging_consumer_group_name|service_name|span_name|span_kind)$/;
  for (const metric of metrics) {
    if (!labels.test(metric) && !documented.includes(metric))
      problems.push(`metric ${metric} is not documented in deploy/compose/README.md`);
  }
  notes.push(
    `${queries.length} queries in ${seen.size} dashboards, ${[...metrics].filter((m) => !labels.test(m)).length} metric names documented`,
  );

  if (has('promtool')) {
    const dir = mkdtempSync(join(tmpdir(), 'compose-check-'));
    try {
      const config = run('promtool', [
        'check',
        'config',
        '--syntax-only',
        join(composeDir, 'prometheus.yml'),
      ]);
      if (config.status !== 0) problems.push(`promtool check config: ${config.output}`);
      const rules = {
        groups: [
          {
            name: 'dashboards',
            rules: queries
              .filter((query) => query.promql)
              .map((query, i) => ({
                record: `dashboard:query_${i}`,
                expr: query.expr.replaceAll('$__rate_interval', '1m').replaceAll('$service', '.*'),
              })),
          },
        ],
      };
      writeFileSync(join(dir, 'rules.json'), JSON.stringify(rules));
      const checked = run('promtool', ['check', 'rules', join(dir, 'rules.json')]);
      if (checked.status !== 0) problems.push(`promtool check rules (dashboard queries): ${checked.output}`);
      else notes.push('promtool: prometheus.yml and every dashboard query parse');
      const alerts = run('promtool', ['check', 'rules', join(composeDir, 'alerts/shop.rules.yml')]);
      if (alerts.status !== 0) problems.push(`promtool check rules (alerts): ${alerts.output}`);
      // The rules' unit tests: each alert fires on the series it is for, and not on the others.
      const tested = run('promtool', ['test', 'rules', 'shop.test.yml'], { cwd: join(composeDir, 'alerts') });
      if (tested.status !== 0) problems.push(`promtool test rules (alerts): ${tested.output}`);
      else notes.push(`promtool: ${alertExprs.length} alerting rules valid, their unit tests pass`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    notes.push('promtool not installed: PromQL syntax not checked (apt-get install prometheus)');
  }
  return notes;
});

if (failures > 0) {
  console.error(`\ncompose:check FAILED (${failures} group${failures > 1 ? 's' : ''})`);
  process.exit(1);
}
console.log('\ncompose:check passed');
