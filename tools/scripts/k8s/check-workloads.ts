/**
 * The workloads hold together: selectors match pod labels, probes and Services name real ports,
 * autoscalers and disruption budgets find their Deployment, the ConfigMaps and Secrets the pods read
 * exist (Secret volumes: written by a cert-manager Certificate), and every app has the full set of
 * resources.
 */
import { APP_SCHEMAS } from '../check-env-contract';
import { labelsMatch, podLabels, type ResourceIndex } from './resource-index';
import {
  asArray,
  asObject,
  asText,
  containersOf,
  isObject,
  key,
  type JsonObject,
  type Resource,
} from './resources';

/** Secrets created outside these manifests, with the keys the manifests read. */
const EXTERNAL_SECRETS: Record<string, string[]> = { 'shop-jwt': ['private-key', 'public-key'] };
/** The keys of the `<cluster>-app` Secret CloudNativePG creates for each cluster. */
const CNPG_SECRET_KEYS = ['username', 'password', 'dbname', 'host', 'port', 'uri', 'jdbc-uri', 'pgpass'];

export function checkUnique(resources: Resource[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const resource of resources) {
    if (seen.has(key(resource))) problems.push(`${key(resource)} is defined twice`);
    seen.add(key(resource));
  }
  return problems;
}

function checkContainer(deployment: Resource, container: JsonObject, index: ResourceIndex): string[] {
  const problems: string[] = [];
  const ports = asArray(container['ports']).filter(isObject);
  const portNames = new Set(ports.map((port) => port['name']));
  const portNumbers = new Set(ports.map((port) => port['containerPort']));
  for (const probeName of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
    const probe = asObject(container[probeName]);
    const port =
      asObject(probe['grpc'])['port'] ??
      asObject(probe['httpGet'])['port'] ??
      asObject(probe['tcpSocket'])['port'];
    if (port !== undefined && !portNames.has(port) && !portNumbers.has(port)) {
      problems.push(
        `${key(deployment)}: ${probeName} uses port ${asText(port)}, which the container does not declare`,
      );
    }
  }
  if (!container['resources'] || !asObject(asObject(container['resources'])['limits'])['memory']) {
    problems.push(`${key(deployment)}: container ${asText(container['name'])} has no memory limit`);
  }
  for (const source of asArray(container['envFrom']).filter(isObject)) {
    const name = asObject(source['configMapRef'])['name'];
    if (name !== undefined && !index.configMaps.has(asText(name)))
      problems.push(`${key(deployment)}: no ConfigMap ${asText(name)}`);
  }
  for (const variable of asArray(container['env']).filter(isObject)) {
    const ref = asObject(asObject(variable['valueFrom'])['secretKeyRef']);
    if (ref['name'] === undefined) continue;
    const name = asText(ref['name']);
    const cluster = name.endsWith('-app') ? name.slice(0, -4) : '';
    const known = index.clusters.has(cluster) ? CNPG_SECRET_KEYS : EXTERNAL_SECRETS[name];
    if (!known) problems.push(`${key(deployment)}: Secret ${name} is neither created here nor documented`);
    else if (!known.includes(asText(ref['key'])))
      problems.push(`${key(deployment)}: Secret ${name} has no key ${asText(ref['key'])}`);
  }
  return problems;
}

export function checkDeployments(index: ResourceIndex): string[] {
  const problems: string[] = [];
  for (const deployment of index.deployments) {
    const spec = asObject(deployment['spec']);
    if (!labelsMatch(asObject(spec['selector']), podLabels(deployment)))
      problems.push(`${key(deployment)}: selector does not match its pod labels`);
    for (const container of containersOf(deployment))
      problems.push(...checkContainer(deployment, container, index));
    // Secret volumes: a cert-manager Certificate writes them (the tls.crt/tls.key/ca.crt layout).
    const volumes = asArray(asObject(asObject(spec['template'])['spec'])['volumes']).filter(isObject);
    for (const volume of volumes) {
      const secret = asObject(volume['secret']);
      if (secret['secretName'] !== undefined && !index.certificatesBySecret.has(asText(secret['secretName'])))
        problems.push(
          `${key(deployment)}: volume Secret ${asText(secret['secretName'])} is issued by no Certificate`,
        );
    }
  }
  return problems;
}

export function checkServices(index: ResourceIndex): string[] {
  const problems: string[] = [];
  for (const service of index.byKind('Service')) {
    const spec = asObject(service['spec']);
    const selector = asObject(spec['selector']);
    const backing = index.deployments.filter((deployment) =>
      labelsMatch({ matchLabels: selector }, podLabels(deployment)),
    );
    if (backing.length === 0) problems.push(`${key(service)}: selects no Deployment's pods`);
    for (const port of asArray(spec['ports']).filter(isObject)) {
      const target = port['targetPort'] ?? port['port'];
      const declared = backing.some((deployment) =>
        containersOf(deployment).some((container) =>
          asArray(container['ports']).some(
            (p) => asObject(p)['name'] === target || asObject(p)['containerPort'] === target,
          ),
        ),
      );
      if (!declared) problems.push(`${key(service)}: targetPort ${asText(target)} is not a container port`);
    }
  }
  return problems;
}

export function checkAutoscalersAndBudgets({ byKind, deployments }: ResourceIndex): string[] {
  const problems: string[] = [];
  for (const resource of byKind('HorizontalPodAutoscaler')) {
    const spec = asObject(resource['spec']);
    const target = asObject(spec['scaleTargetRef']);
    if (!deployments.some((d) => d.metadata.name === target['name'] && target['kind'] === 'Deployment')) {
      problems.push(`${key(resource)}: targets no Deployment`);
    }
    if (Number(spec['minReplicas']) > Number(spec['maxReplicas']))
      problems.push(`${key(resource)}: minReplicas > maxReplicas`);
  }
  for (const resource of byKind('PodDisruptionBudget')) {
    const spec = asObject(resource['spec']);
    if (!deployments.some((d) => labelsMatch(asObject(spec['selector']), podLabels(d)))) {
      problems.push(`${key(resource)}: selects no Deployment's pods`);
    }
  }
  return problems;
}

/** Every app: a Deployment, Service, autoscaler and disruption budget of its own. */
export function checkEveryAppDeployed(resources: Resource[]): string[] {
  const problems: string[] = [];
  for (const app of Object.keys(APP_SCHEMAS)) {
    for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']) {
      if (!resources.some((resource) => resource.kind === kind && resource.metadata.name === app)) {
        problems.push(`${app} has no ${kind}`);
      }
    }
  }
  return problems;
}
