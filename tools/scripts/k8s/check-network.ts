/**
 * The NetworkPolicies against what the pods need: every connection the apps' environment names (gRPC
 * peers, database, broker, SMTP, collector, DNS), public HTTP to the gateway, and what the operators need
 * on their pods must be allowed; and between the apps and the databases, nothing else is.
 */
import { APP_SCHEMAS, type EnvValue } from '../check-env-contract';
import { CNPG_OPERATOR, elsewhere, Endpoints, POSTGRES_PORTS } from './endpoints';
import type { Connection, Endpoint } from './network-policies';
import type { ResourceIndex } from './resource-index';
import type { Resource } from './resources';

/** The apps the outside world calls; every other app is reached over gRPC only. */
const PUBLIC_APPS = ['gateway'];

interface Need extends Connection {
  why: string;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'smtp:': 25, 'smtps:': 465 };

/** Every connection one app's environment asks for. */
function appNeeds(deployment: Resource, endpoints: Endpoints, env: Record<string, EnvValue>): Need[] {
  const from = endpoints.app(deployment);
  const app = deployment.metadata.name;
  const needs: Need[] = [];
  const need = (what: string, target: { to: Endpoint; port: number }, protocol: 'TCP' | 'UDP' = 'TCP') =>
    needs.push({ from, ...target, protocol, why: `${app} → ${what}` });
  const text = (name: string) => {
    const value = env[name];
    return typeof value === 'string' ? value : undefined;
  };
  for (const name of Object.keys(env).filter((variable) => variable.endsWith('_SERVICE_ADDRESS'))) {
    const value = text(name) ?? '';
    const match = /^dns:\/\/\/([a-z0-9-]+):(\d+)$/.exec(value);
    if (match) need(`${name} ${value}`, endpoints.resolve(match[1] as string, Number(match[2]), value));
  }
  const pgHost = text('PGHOST');
  if (pgHost) need(`PGHOST ${pgHost}`, endpoints.resolve(pgHost, Number(text('PGPORT') ?? 5432), pgHost));
  for (const broker of text('KAFKA_BROKERS')?.split(',') ?? []) {
    const [host, port] = broker.split(':');
    need(`KAFKA_BROKERS ${broker}`, endpoints.resolve(host as string, Number(port ?? 9092), broker));
  }
  for (const name of ['SMTP_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT']) {
    const value = text(name);
    if (!value) continue;
    const url = new URL(value);
    const port = Number(url.port || DEFAULT_PORTS[url.protocol]);
    need(`${name} ${value}`, endpoints.resolve(url.hostname, port, `${url.hostname}:${port}`));
  }
  const dns = {
    name: 'the cluster DNS',
    namespace: { 'kubernetes.io/metadata.name': 'kube-system' },
    labels: { 'k8s-app': 'kube-dns' },
  };
  need('DNS (UDP)', { to: dns, port: 53 }, 'UDP');
  need('DNS (TCP)', { to: dns, port: 53 });
  return needs;
}

/** What CloudNativePG and Strimzi need on the pods they run, as their documentation states. */
function operatorNeeds(index: ResourceIndex, endpoints: Endpoints): Need[] {
  const needs: Need[] = [];
  const api = elsewhere('the Kubernetes API');
  const operator: Endpoint = {
    name: 'the CloudNativePG operator',
    namespace: { 'kubernetes.io/metadata.name': CNPG_OPERATOR.namespace },
    labels: CNPG_OPERATOR.labels,
  };
  for (const cluster of index.clusters) {
    const pod = endpoints.postgres(cluster);
    needs.push(
      { from: operator, to: pod, port: 8000, why: `CloudNativePG operator → ${cluster} instance manager` },
      { from: operator, to: pod, port: 5432, why: `CloudNativePG operator → ${cluster} Postgres` },
      { from: pod, to: pod, port: 5432, why: `${cluster} replica → ${cluster} primary` },
      { from: pod, to: api, port: 443, why: `${cluster} instance manager → the Kubernetes API` },
    );
  }
  for (const kafka of index.kafkas) {
    const broker = endpoints.broker(kafka);
    const entityOperator = endpoints.entityOperator(kafka);
    needs.push(
      { from: broker, to: broker, port: 9090, why: `${kafka} broker → ${kafka} controller` },
      { from: broker, to: broker, port: 9091, why: `${kafka} broker → ${kafka} broker (replication)` },
      { from: entityOperator, to: broker, port: 9091, why: `${kafka} entity operator → ${kafka} brokers` },
      { from: entityOperator, to: api, port: 443, why: `${kafka} entity operator → the Kubernetes API` },
    );
  }
  return needs;
}

export function checkNetwork(index: ResourceIndex): { problems: string[]; note: string } {
  const endpoints = new Endpoints(index);
  const apps = index.deployments.filter((deployment) => APP_SCHEMAS[deployment.metadata.name] !== undefined);
  const needs = apps.flatMap((deployment) => appNeeds(deployment, endpoints, index.envOf(deployment)));
  for (const deployment of apps.filter((d) => PUBLIC_APPS.includes(d.metadata.name))) {
    const to = endpoints.app(deployment);
    for (const port of Object.values(to.ports ?? {}))
      needs.push({
        from: elsewhere('anywhere'),
        to,
        port,
        why: `anywhere → ${deployment.metadata.name}:${port}`,
      });
  }
  needs.push(...operatorNeeds(index, endpoints));
  const problems = needs.flatMap((need) => {
    const by = endpoints.policies.blocked(need);
    return by
      ? [
          `NetworkPolicy: ${need.why} (${need.to.name}:${need.port}/${need.protocol ?? 'TCP'}) is dropped by ${by}`,
        ]
      : [];
  });

  // Exactly the call graph: an app reaches another app's or a database's port only if its env asks for it.
  const needed = new Set(needs.map((need) => `${need.from.name}→${need.to.name}:${need.port}`));
  const targets: { to: Endpoint; ports: number[] }[] = [
    ...apps.map((deployment) => {
      const to = endpoints.app(deployment);
      return { to, ports: Object.values(to.ports ?? {}) };
    }),
    ...[...index.clusters].map((cluster) => ({
      to: endpoints.postgres(cluster),
      ports: Object.values(POSTGRES_PORTS),
    })),
  ];
  let allowed = 0;
  for (const deployment of apps) {
    const from = endpoints.app(deployment);
    for (const { to, ports } of targets) {
      for (const port of ports) {
        if (to.name === from.name || endpoints.policies.blocked({ from, to, port })) continue;
        allowed += 1;
        if (!needed.has(`${from.name}→${to.name}:${port}`))
          problems.push(
            `NetworkPolicy: ${from.name} → ${to.name}:${port} is allowed, but nothing in ${from.name}'s env calls it`,
          );
      }
    }
  }
  return {
    problems,
    note: `NetworkPolicies: ${needs.length} needed connections checked; ${allowed} app → app or database ports open`,
  };
}
