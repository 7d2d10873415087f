/**
 * npm run k8s:check: renders deploy/k8s/overlays/* offline and validates what a cluster would receive.
 *
 *   npx tsx --tsconfig tsconfig.base.json tools/scripts/check-k8s.ts [overlay-dir ...]
 *
 * - Rendering: a small Kustomize renderer for the subset the manifests use (resources, namespace, labels,
 *   images, configMapGenerator with merge and content-hash names, patches as JSON 6902 or merge patches
 *   with targets); anything else in a kustomization.yaml fails the check. When a `kustomize` or `kubectl`
 *   binary is on PATH, its output must equal the built-in renderer's.
 * - Every built-in resource is validated by kubernetes-models (types, required fields); the operators'
 *   resources (Strimzi, CloudNativePG) by the fields this project relies on.
 * - References: selectors match pod labels, probes and Services name real ports, autoscalers target
 *   Deployments, ConfigMaps and Secrets exist (generated here, created by CloudNativePG, or the
 *   documented `shop-jwt`), gRPC addresses name a Service on its port, topics are the topic list.
 * - The env contract of every app (tools/scripts/check-env-contract.ts).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { allTopics } from '../../libs/kafka/src/topics';
import { staleTopicFiles } from '../containers/generate-topics';
import { APP_SCHEMAS, OPAQUE, checkAppEnv, type EnvValue } from './check-env-contract';

const ROOT = resolve(__dirname, '../..');
const K8S = join(ROOT, 'deploy/k8s');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
export interface Resource extends JsonObject {
  apiVersion: string;
  kind: string;
  metadata: JsonObject & { name: string };
}
interface Generated {
  kind: 'ConfigMap' | 'Secret';
  name: string;
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const clone = <T>(value: T): T => structuredClone(value);
const asObject = (value: Json | undefined): JsonObject => (isObject(value) ? value : {});
const asArray = (value: Json | undefined): Json[] => (Array.isArray(value) ? value : []);

// --- rendering ------------------------------------------------------------------------------------

const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'labels',
  'images',
  'configMapGenerator',
  'patches',
]);

function readDocuments(file: string): Resource[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
      return document.toJS() as Resource | null;
    })
    .filter((resource): resource is Resource => resource !== null);
}

/** `KEY=value` as kustomize reads a literal: surrounding quotes of the whole value are dropped. */
function literal(entry: string): [string, string] {
  const at = entry.indexOf('=');
  if (at <= 0) throw new Error(`literal without a key: ${entry}`);
  let value = entry.slice(at + 1);
  if (value.length >= 2 && /^(['"]).*\1$/s.test(value)) value = value.slice(1, -1);
  return [entry.slice(0, at), value];
}

/**
 * kustomize's content hash of a generated ConfigMap (sigs.k8s.io/kustomize/api/hasher): SHA-256 of the
 * JSON of its kind and data (kustomize v5 hashes an empty name), first 10 hex digits, vowel-like digits
 * swapped for consonants.
 */
export function configMapHash(data: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  // Go's encoding/json: sorted keys, and <, >, & escaped.
  const encoded = JSON.stringify({ data: sorted, kind: 'ConfigMap', name: '' })
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026');
  const hex = createHash('sha256').update(encoded).digest('hex').slice(0, 10);
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex].map((c) => swap[c] ?? c).join('');
}

function parsePointer(path: string): string[] {
  if (!path.startsWith('/')) throw new Error(`not a JSON pointer: ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function applyJsonPatch(resource: Resource, operations: JsonObject[]): void {
  for (const operation of operations) {
    const op = operation['op'];
    const path = parsePointer(String(operation['path']));
    const last = path.pop() as string;
    let parent: Json = resource;
    for (const part of path) {
      const next: Json | undefined = Array.isArray(parent) ? parent[Number(part)] : asObject(parent)[part];
      if (next === undefined || next === null) {
        throw new Error(
          `${op} ${operation['path']}: ${part} missing in ${resource.kind}/${resource.metadata.name}`,
        );
      }
      parent = next;
    }
    if (op === 'add' || op === 'replace') {
      const value = clone(operation['value'] ?? null);
      if (Array.isArray(parent)) {
        const index = last === '-' ? parent.length : Number(last);
        if (op === 'add') parent.splice(index, 0, value);
        else if (index >= parent.length) throw new Error(`replace ${operation['path']}: no element ${index}`);
        else parent[index] = value;
      } else if (isObject(parent)) {
        if (op === 'replace' && !(last in parent)) {
          throw new Error(
            `replace ${operation['path']}: missing in ${resource.kind}/${resource.metadata.name}`,
          );
        }
        parent[last] = value;
      }
    } else if (op === 'remove') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else if (isObject(parent)) {
        if (!(last in parent)) throw new Error(`remove ${operation['path']}: missing`);
        delete parent[last];
      }
    } else throw new Error(`unsupported JSON patch operation ${String(op)}`);
  }
}

/** Lists merged by a key in a strategic merge patch of a built-in resource (by `name`). */
const MERGE_BY_NAME = new Set(['containers', 'initContainers', 'env', 'volumes', 'volumeMounts', 'ports']);

function mergePatch(target: JsonObject, patch: JsonObject, builtIn: boolean): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (value === null) delete target[key];
    else if (isObject(value) && isObject(current)) mergePatch(current, value, builtIn);
    else if (builtIn && MERGE_BY_NAME.has(key) && Array.isArray(value) && Array.isArray(current)) {
      for (const item of value) {
        const name = asObject(item)['name'];
        const match = current.find((existing) => asObject(existing)['name'] === name);
        if (name !== undefined && isObject(match) && isObject(item)) mergePatch(match, item, builtIn);
        else current.push(clone(item));
      }
    } else target[key] = clone(value);
  }
}

const groupOf = (apiVersion: string) =>
  apiVersion.includes('/') ? (apiVersion.split('/')[0] as string) : '';
const BUILT_IN_GROUPS = new Set(['', 'apps', 'policy', 'autoscaling', 'batch', 'networking.k8s.io']);

function matches(resource: Resource, target: JsonObject): boolean {
  for (const key of Object.keys(target)) {
    if (!['kind', 'name', 'group', 'version'].includes(key))
      throw new Error(`unsupported patch target field ${key}`);
  }
  const anchored = (pattern: Json | undefined, value: string) =>
    pattern === undefined || new RegExp(`^(?:${String(pattern)})$`).test(value);
  return (
    anchored(target['kind'], resource.kind) &&
    anchored(target['name'], resource.metadata.name) &&
    anchored(target['group'], groupOf(resource.apiVersion)) &&
    anchored(target['version'], resource.apiVersion.split('/').pop() as string)
  );
}

function podSpecs(resource: Resource): JsonObject[] {
  const spec = asObject(resource['spec']);
  const template = asObject(spec['template']);
  return isObject(template['spec']) ? [template['spec']] : [];
}

function containersOf(resource: Resource): JsonObject[] {
  return podSpecs(resource).flatMap((spec) =>
    [...asArray(spec['containers']), ...asArray(spec['initContainers'])].filter(isObject),
  );
}

interface Rendered {
  resources: Resource[];
  generated: Map<Resource, Generated>;
}

function renderDirectory(dir: string): Rendered {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${relative(ROOT, dir)}: no kustomization.yaml`);
  const kustomization = parse(readFileSync(file, 'utf8')) as JsonObject;
  for (const key of Object.keys(kustomization)) {
    if (!SUPPORTED.has(key))
      throw new Error(`${relative(ROOT, file)}: ${key} is not supported by this renderer`);
  }
  const resources: Resource[] = [];
  const generated = new Map<Resource, Generated>();
  for (const entry of asArray(kustomization['resources'])) {
    const path = join(dir, String(entry));
    if (!existsSync(path))
      throw new Error(`${relative(ROOT, file)}: resource ${String(entry)} does not exist`);
    if (statSync(path).isDirectory()) {
      const sub = renderDirectory(path);
      resources.push(...sub.resources);
      for (const [resource, info] of sub.generated) generated.set(resource, info);
    } else resources.push(...readDocuments(path));
  }

  for (const generator of asArray(kustomization['configMapGenerator']).filter(isObject)) {
    const name = String(generator['name']);
    const data = Object.fromEntries(asArray(generator['literals']).map((entry) => literal(String(entry))));
    const behavior = String(generator['behavior'] ?? 'create');
    const existing = [...generated].find(([, info]) => info.kind === 'ConfigMap' && info.name === name)?.[0];
    for (const key of Object.keys(generator)) {
      if (!['name', 'literals', 'behavior'].includes(key))
        throw new Error(`configMapGenerator ${name}: ${key} unsupported`);
    }
    if (behavior === 'create') {
      if (existing) throw new Error(`configMapGenerator ${name} exists already (use behavior: merge)`);
      const resource: Resource = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
      resources.push(resource);
      generated.set(resource, { kind: 'ConfigMap', name });
    } else if (behavior === 'merge' || behavior === 'replace') {
      if (!existing) throw new Error(`configMapGenerator ${name}: nothing to ${behavior}`);
      existing['data'] = behavior === 'merge' ? { ...asObject(existing['data']), ...data } : data;
    } else throw new Error(`configMapGenerator ${name}: behavior ${behavior}`);
  }

  for (const label of asArray(kustomization['labels']).filter(isObject)) {
    if (label['includeSelectors'] === true) throw new Error('labels.includeSelectors is not supported');
    const pairs = asObject(label['pairs']) as Record<string, string>;
    for (const resource of resources) {
      resource.metadata['labels'] = { ...asObject(resource.metadata['labels']), ...pairs };
      if (label['includeTemplates'] === true) {
        const template = asObject(asObject(resource['spec'])['template']);
        if (isObject(template['metadata'])) {
          template['metadata']['labels'] = { ...asObject(template['metadata']['labels']), ...pairs };
        }
      }
    }
  }

  for (const image of asArray(kustomization['images']).filter(isObject)) {
    for (const resource of resources) {
      for (const container of containersOf(resource)) {
        const current = String(container['image']);
        const [name, tag] = /^(.*?)(?::([^:/]+))?$/.exec(current)?.slice(1) as [string, string | undefined];
        if (name !== image['name']) continue;
        const newName = image['newName'] === undefined ? name : String(image['newName']);
        const newTag = image['newTag'] === undefined ? tag : String(image['newTag']);
        container['image'] = newTag ? `${newName}:${newTag}` : newName;
      }
    }
  }

  for (const patch of asArray(kustomization['patches']).filter(isObject)) {
    const text = patch['path']
      ? readFileSync(join(dir, String(patch['path'])), 'utf8')
      : String(patch['patch']);
    const target = isObject(patch['target']) ? patch['target'] : undefined;
    const documents = parseAllDocuments(text).map((document) => document.toJS() as Json);
    if (Array.isArray(documents[0])) {
      if (!target) throw new Error('a JSON 6902 patch needs a target');
      const selected = resources.filter((resource) => matches(resource, target));
      if (selected.length === 0) throw new Error(`patch target ${JSON.stringify(target)} selects nothing`);
      for (const resource of selected) applyJsonPatch(resource, documents[0].filter(isObject));
    } else {
      for (const document of documents.filter(isObject)) {
        const doc = document as Resource;
        const selected = resources.filter((resource) =>
          target
            ? matches(resource, target)
            : resource.kind === doc.kind && resource.metadata.name === doc.metadata?.name,
        );
        if (selected.length === 0)
          throw new Error(`merge patch ${doc.kind}/${doc.metadata?.name} selects nothing`);
        for (const resource of selected) {
          const { apiVersion: _apiVersion, kind: _kind, ...rest } = doc;
          const body = clone(rest) as JsonObject;
          delete asObject(body['metadata'])['name'];
          mergePatch(resource, body, BUILT_IN_GROUPS.has(groupOf(resource.apiVersion)));
        }
      }
    }
  }

  if (kustomization['namespace']) {
    for (const resource of resources) resource.metadata['namespace'] = String(kustomization['namespace']);
  }
  return { resources, generated };
}

/** Renders an overlay like `kustomize build`: generated names get their content hash, references follow. */
export function render(dir: string): Resource[] {
  const { resources, generated } = renderDirectory(dir);
  const renamed = new Map<string, string>();
  for (const [resource, info] of generated) {
    const hashed = `${info.name}-${configMapHash(asObject(resource['data']) as Record<string, string>)}`;
    renamed.set(`${info.kind}/${info.name}`, hashed);
    resource.metadata.name = hashed;
  }
  for (const resource of resources) {
    for (const spec of podSpecs(resource)) {
      for (const volume of asArray(spec['volumes']).filter(isObject)) {
        const ref = asObject(volume['configMap']);
        if (ref['name'] !== undefined)
          ref['name'] = renamed.get(`ConfigMap/${String(ref['name'])}`) ?? ref['name'];
      }
    }
    for (const container of containersOf(resource)) {
      for (const source of asArray(container['envFrom']).filter(isObject)) {
        const ref = asObject(source['configMapRef']);
        if (ref['name'] !== undefined)
          ref['name'] = renamed.get(`ConfigMap/${String(ref['name'])}`) ?? ref['name'];
      }
      for (const variable of asArray(container['env']).filter(isObject)) {
        const ref = asObject(asObject(variable['valueFrom'])['configMapKeyRef']);
        if (ref['name'] !== undefined)
          ref['name'] = renamed.get(`ConfigMap/${String(ref['name'])}`) ?? ref['name'];
      }
    }
  }
  return resources;
}

// --- validation -----------------------------------------------------------------------------------

const key = (resource: Resource) => `${resource.kind}/${resource.metadata.name}`;

/** Built-in kinds: the kubernetes-models class of the resource's apiVersion and kind. */
async function validateBuiltIn(resource: Resource): Promise<string | undefined> {
  const group = groupOf(resource.apiVersion);
  const version = resource.apiVersion.split('/').pop() as string;
  const module = `kubernetes-models/${group ? `${group}/` : ''}${version}/${resource.kind}`;
  const loaded = (await import(module)) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = loaded[resource.kind];
  if (!Model) return `${key(resource)}: no model for ${resource.apiVersion} ${resource.kind}`;
  try {
    new Model(resource).validate();
    return undefined;
  } catch (error) {
    return `${key(resource)}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

type FieldRule = [path: string, test: (value: unknown) => boolean, what: string];
const at = (resource: Resource, path: string): unknown =>
  path.split('.').reduce<unknown>((value, part) => (isObject(value) ? value[part] : undefined), resource);
const positiveInt = (value: unknown) => Number.isInteger(value) && (value as number) > 0;
const text = (value: unknown) => typeof value === 'string' && value.length > 0;
const quantity = (value: unknown) => typeof value === 'string' && /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|m)?$/.test(value);

/** The operators' resources: the fields this project relies on, with their types. */
const CUSTOM_RESOURCES: Record<string, { apiVersion: string; rules: FieldRule[] }> = {
  KafkaNodePool: {
    apiVersion: 'kafka.strimzi.io/v1beta2',
    rules: [
      ['metadata.labels.strimzi\u002eio/cluster', () => true, ''],
      ['spec.replicas', positiveInt, 'a positive integer'],
      [
        'spec.roles',
        (v) => Array.isArray(v) && v.every((r) => r === 'controller' || r === 'broker'),
        'controller/broker',
      ],
      [
        'spec.storage.type',
        (v) => ['jbod', 'persistent-claim', 'ephemeral'].includes(String(v)),
        'a storage type',
      ],
    ],
  },
  Kafka: {
    apiVersion: 'kafka.strimzi.io/v1beta2',
    rules: [
      ['spec.kafka.listeners', (v) => Array.isArray(v) && v.length > 0, 'at least one listener'],
      ['spec.kafka.config', isObject, 'a map'],
    ],
  },
  KafkaTopic: {
    apiVersion: 'kafka.strimzi.io/v1beta2',
    rules: [
      ['spec.topicName', text, 'a name'],
      ['spec.partitions', positiveInt, 'a positive integer'],
    ],
  },
  Cluster: {
    apiVersion: 'postgresql.cnpg.io/v1',
    rules: [
      ['spec.instances', positiveInt, 'a positive integer'],
      ['spec.storage.size', quantity, 'a quantity'],
      ['spec.bootstrap.initdb.database', text, 'a database name'],
      ['spec.bootstrap.initdb.owner', text, 'a role name'],
    ],
  },
};

function validateCustom(resource: Resource): string[] {
  const schema = CUSTOM_RESOURCES[resource.kind];
  if (!schema) return [`${key(resource)}: unknown kind ${resource.apiVersion} ${resource.kind}`];
  const problems: string[] = [];
  if (resource.apiVersion !== schema.apiVersion)
    problems.push(`${key(resource)}: apiVersion ${resource.apiVersion}`);
  for (const [path, test, what] of schema.rules) {
    if (path.startsWith('metadata.labels.')) continue;
    if (!test(at(resource, path))) problems.push(`${key(resource)}: ${path} must be ${what}`);
  }
  if (resource.kind.startsWith('Kafka') && resource.kind !== 'Kafka') {
    const cluster = asObject(resource.metadata['labels'])['strimzi.io/cluster'];
    if (!cluster) problems.push(`${key(resource)}: no strimzi.io/cluster label`);
  }
  return problems;
}

/** Secrets created outside these manifests, with the keys the manifests read. */
const EXTERNAL_SECRETS: Record<string, string[]> = { 'shop-jwt': ['private-key', 'public-key'] };
const CNPG_SECRET_KEYS = ['username', 'password', 'dbname', 'host', 'port', 'uri', 'jdbc-uri', 'pgpass'];

const labelsMatch = (selector: JsonObject, labels: JsonObject) =>
  Object.entries(asObject(selector['matchLabels'])).every(([name, value]) => labels[name] === value);

function checkReferences(resources: Resource[]): string[] {
  const problems: string[] = [];
  const byKind = (kind: string) => resources.filter((resource) => resource.kind === kind);
  const configMaps = new Map(
    byKind('ConfigMap').map((resource) => [resource.metadata.name, asObject(resource['data'])]),
  );
  const clusters = new Set(byKind('Cluster').map((resource) => resource.metadata.name));
  const kafkas = new Set(byKind('Kafka').map((resource) => resource.metadata.name));
  const services = new Map(byKind('Service').map((resource) => [resource.metadata.name, resource]));
  const deployments = byKind('Deployment');
  const podLabels = (deployment: Resource) =>
    asObject(asObject(asObject(deployment['spec'])['template'])['metadata'])['labels'];

  const seen = new Set<string>();
  for (const resource of resources) {
    if (seen.has(key(resource))) problems.push(`${key(resource)} is defined twice`);
    seen.add(key(resource));
  }

  for (const deployment of deployments) {
    const spec = asObject(deployment['spec']);
    const labels = asObject(podLabels(deployment));
    if (!labelsMatch(asObject(spec['selector']), labels))
      problems.push(`${key(deployment)}: selector does not match its pod labels`);
    for (const container of containersOf(deployment)) {
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
            `${key(deployment)}: ${probeName} uses port ${String(port)}, which the container does not declare`,
          );
        }
      }
      if (!container['resources'] || !asObject(asObject(container['resources'])['limits'])['memory']) {
        problems.push(`${key(deployment)}: container ${String(container['name'])} has no memory limit`);
      }
      for (const source of asArray(container['envFrom']).filter(isObject)) {
        const name = asObject(source['configMapRef'])['name'];
        if (name !== undefined && !configMaps.has(String(name)))
          problems.push(`${key(deployment)}: no ConfigMap ${String(name)}`);
      }
      for (const variable of asArray(container['env']).filter(isObject)) {
        const ref = asObject(asObject(variable['valueFrom'])['secretKeyRef']);
        if (ref['name'] === undefined) continue;
        const name = String(ref['name']);
        const cluster = name.endsWith('-app') ? name.slice(0, -4) : '';
        const known = clusters.has(cluster) ? CNPG_SECRET_KEYS : EXTERNAL_SECRETS[name];
        if (!known)
          problems.push(`${key(deployment)}: Secret ${name} is neither created here nor documented`);
        else if (!known.includes(String(ref['key'])))
          problems.push(`${key(deployment)}: Secret ${name} has no key ${String(ref['key'])}`);
      }
    }
  }

  for (const service of byKind('Service')) {
    const spec = asObject(service['spec']);
    const selector = asObject(spec['selector']);
    const backing = deployments.filter((deployment) =>
      labelsMatch({ matchLabels: selector }, asObject(podLabels(deployment))),
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
      if (!declared) problems.push(`${key(service)}: targetPort ${String(target)} is not a container port`);
    }
  }

  for (const kind of ['HorizontalPodAutoscaler', 'PodDisruptionBudget']) {
    for (const resource of byKind(kind)) {
      const spec = asObject(resource['spec']);
      if (kind === 'HorizontalPodAutoscaler') {
        const target = asObject(spec['scaleTargetRef']);
        if (!deployments.some((d) => d.metadata.name === target['name'] && target['kind'] === 'Deployment')) {
          problems.push(`${key(resource)}: targets no Deployment`);
        }
        if (Number(spec['minReplicas']) > Number(spec['maxReplicas']))
          problems.push(`${key(resource)}: minReplicas > maxReplicas`);
      } else if (!deployments.some((d) => labelsMatch(asObject(spec['selector']), asObject(podLabels(d))))) {
        problems.push(`${key(resource)}: selects no Deployment's pods`);
      }
    }
  }

  // Every app: a Deployment, Service, autoscaler and disruption budget of its own.
  for (const app of Object.keys(APP_SCHEMAS)) {
    for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']) {
      if (!resources.some((resource) => resource.kind === kind && resource.metadata.name === app)) {
        problems.push(`${app} has no ${kind}`);
      }
    }
  }

  // Topics: exactly the topic list, on a Kafka of these manifests; consumers never outnumber partitions.
  const topics = byKind('KafkaTopic').map((topic) => ({
    name: String(at(topic, 'spec.topicName')),
    partitions: Number(at(topic, 'spec.partitions')),
    cluster: String(asObject(topic.metadata['labels'])['strimzi.io/cluster']),
  }));
  const expected = allTopics();
  if (
    !isDeepStrictEqual(
      topics.map(({ name, partitions }) => ({ name, partitions })),
      expected,
    )
  ) {
    problems.push('the KafkaTopics are not the topic list of libs/kafka/src/topics.ts');
  }
  for (const topic of topics)
    if (!kafkas.has(topic.cluster)) problems.push(`KafkaTopic ${topic.name}: no Kafka ${topic.cluster}`);
  const fewest = Math.min(
    ...expected.filter((topic) => !topic.name.endsWith('.dlt')).map((topic) => topic.partitions),
  );
  for (const hpa of byKind('HorizontalPodAutoscaler')) {
    const max = Number(at(hpa, 'spec.maxReplicas'));
    if (max > fewest)
      problems.push(`${key(hpa)}: maxReplicas ${max} exceeds the ${fewest} partitions of an event topic`);
  }

  // Where the apps are pointed at: their database's primary, the Kafka bootstrap, peer Services.
  for (const [name, data] of configMaps) {
    const pgHost = data['PGHOST'];
    if (pgHost !== undefined && !clusters.has(String(pgHost).replace(/-rw$/, ''))) {
      problems.push(`ConfigMap ${name}: PGHOST ${String(pgHost)} is no CloudNativePG cluster's -rw Service`);
    }
    const brokers = data['KAFKA_BROKERS'];
    if (brokers !== undefined) {
      for (const broker of String(brokers).split(',')) {
        const host = broker.split(':')[0] as string;
        if (!kafkas.has(host.replace(/-kafka-bootstrap$/, '')))
          problems.push(`ConfigMap ${name}: ${broker} is no Kafka bootstrap`);
      }
    }
    for (const [variable, value] of Object.entries(data)) {
      if (!variable.endsWith('_SERVICE_ADDRESS')) continue;
      const match = /^dns:\/\/\/([a-z0-9-]+):(\d+)$/.exec(String(value));
      const service = match ? services.get(match[1] as string) : undefined;
      const ports = asArray(asObject(service?.['spec'])['ports']).map((port) => asObject(port)['port']);
      if (!service || !ports.includes(Number(match?.[2])))
        problems.push(`ConfigMap ${name}: ${variable}=${String(value)} names no Service port`);
      else if (asObject(service['spec'])['clusterIP'] !== 'None') {
        problems.push(
          `${key(service)}: not headless, so dns:/// clients would see one address, not every pod`,
        );
      }
    }
  }
  return problems;
}

function checkContracts(resources: Resource[]): { reports: string[]; problems: string[] } {
  const configMaps = new Map(
    resources
      .filter((resource) => resource.kind === 'ConfigMap')
      .map((resource) => [resource.metadata.name, asObject(resource['data'])]),
  );
  const reports: string[] = [];
  const problems: string[] = [];
  for (const deployment of resources.filter((resource) => resource.kind === 'Deployment')) {
    for (const container of containersOf(deployment)) {
      const app = String(container['name']);
      if (!APP_SCHEMAS[app]) continue;
      const env: Record<string, EnvValue> = {};
      for (const source of asArray(container['envFrom']).filter(isObject)) {
        const data = configMaps.get(String(asObject(source['configMapRef'])['name'])) ?? {};
        for (const [name, value] of Object.entries(data)) env[name] = String(value);
      }
      for (const variable of asArray(container['env']).filter(isObject)) {
        env[String(variable['name'])] = variable['value'] !== undefined ? String(variable['value']) : OPAQUE;
      }
      const report = checkAppEnv(app, env);
      reports.push(
        `${app}: ${report.problems.length === 0 ? 'ok' : 'FAILED'} (${report.given.length} variables)`,
      );
      problems.push(...report.problems.map((problem) => `${app}: ${problem}`));
    }
  }
  return { reports, problems };
}

/** The same overlay rendered by a kustomize binary, when one is installed. */
function renderWithBinary(dir: string): { tool: string; resources: Resource[] } | undefined {
  const candidates: [string, string[]][] = [
    ['kustomize', ['build', dir]],
    ['kubectl', ['kustomize', dir]],
  ];
  for (const [command, args] of candidates) {
    if (spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0) continue;
    const result = spawnSync(command, args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
    const resources = parseAllDocuments(result.stdout).map((document) => document.toJS() as Resource);
    return { tool: `${command} ${args[0]}`, resources };
  }
  return undefined;
}

async function checkOverlay(dir: string): Promise<boolean> {
  const label = relative(ROOT, dir);
  let resources: Resource[];
  try {
    resources = render(dir);
  } catch (error) {
    console.log(`FAIL ${label}: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
  const problems: string[] = [];
  for (const resource of resources) {
    if (CUSTOM_RESOURCES[resource.kind]) problems.push(...validateCustom(resource));
    else {
      const problem = await validateBuiltIn(resource);
      if (problem) problems.push(problem);
    }
  }
  problems.push(...checkReferences(resources));
  const contracts = checkContracts(resources);
  problems.push(...contracts.problems);

  const notes = [`${resources.length} resources: ${[...new Set(resources.map((r) => r.kind))].join(', ')}`];
  const binary = renderWithBinary(dir);
  if (binary) {
    // Compared without the hash suffixes first (another kustomize version may hash differently), then as is.
    const generatedNames = new Set(
      resources
        .filter((r) => r.kind === 'ConfigMap')
        .map((r) => r.metadata.name.replace(/-[a-z0-9]{10}$/, '')),
    );
    const unhash = (list: Resource[]) =>
      JSON.parse(
        JSON.stringify(list).replace(/"([a-z0-9.-]+)-[a-z0-9]{10}"/g, (match: string, name: string) =>
          generatedNames.has(name) ? `"${name}"` : match,
        ),
      ) as Resource[];
    const sort = (list: Resource[]) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
    const ours = sort(unhash(resources));
    const theirs = sort(unhash(binary.resources));
    const differing = theirs.filter((resource, i) => !isDeepStrictEqual(resource, ours[i])).map(key);
    if (ours.length !== theirs.length || differing.length > 0) {
      problems.push(
        `${binary.tool} renders differently: ${differing.join(', ') || `${theirs.length} vs ${ours.length} resources`}`,
      );
    } else {
      const sameHashes = isDeepStrictEqual(sort(resources), sort(binary.resources));
      notes.push(
        `identical to ${binary.tool}${sameHashes ? ', content hashes included' : ' (but for the content-hash suffixes)'}`,
      );
    }
  } else notes.push('no kustomize or kubectl on PATH: rendered by the built-in renderer only');

  console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${label}`);
  for (const note of [...notes, ...contracts.reports]) console.log(`       ${note}`);
  for (const problem of problems) console.log(`     - ${problem}`);
  return problems.length === 0;
}

async function main(): Promise<void> {
  const overlays = process.argv.slice(2).map((dir) => resolve(dir));
  if (overlays.length === 0) {
    const base = join(K8S, 'overlays');
    overlays.push(
      ...readdirSync(base)
        .map((name) => join(base, name))
        .filter((path) => statSync(path).isDirectory()),
    );
  }
  let ok = true;
  const stale = staleTopicFiles().filter((path) => path.startsWith('deploy/k8s/'));
  if (stale.length > 0) {
    console.log(
      `FAIL ${stale.join(', ')} is out of date with libs/kafka/src/topics.ts (run tools/containers/generate-topics.ts)`,
    );
    ok = false;
  } else console.log('ok   deploy/k8s/infra/kafka-topics.yaml matches libs/kafka/src/topics.ts');
  for (const overlay of overlays) ok = (await checkOverlay(overlay)) && ok;
  if (!ok) {
    console.error('\nk8s:check FAILED');
    process.exit(1);
  }
  console.log('\nk8s:check passed');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
