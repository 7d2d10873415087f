/**
 * Each resource against its schema: built-in kinds through kubernetes-models (types, required fields),
 * the operators' kinds (Strimzi, CloudNativePG, cert-manager) by the fields this project relies on.
 */
import { asObject, at, groupOf, isObject, key, versionOf, type Resource } from './resources';

/** Built-in kinds: the kubernetes-models class of the resource's apiVersion and kind. */
async function validateBuiltIn(resource: Resource): Promise<string | undefined> {
  const group = groupOf(resource.apiVersion);
  const version = versionOf(resource.apiVersion);
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
const positiveInt = (value: unknown) => Number.isInteger(value) && (value as number) > 0;
const text = (value: unknown) => typeof value === 'string' && value.length > 0;
const quantity = (value: unknown) => typeof value === 'string' && /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|m)?$/.test(value);
const optional = (test: (value: unknown) => boolean) => (value: unknown) =>
  value === undefined || test(value);
const texts = (value: unknown) => Array.isArray(value) && value.every(text);
const oneOf =
  (...values: unknown[]) =>
  (value: unknown) =>
    values.includes(value);

/** A Go duration as cert-manager parses it (`72h`, `1h30m`), in seconds; NaN if it is none. */
export function durationSeconds(value: unknown): number {
  if (typeof value !== 'string' || !/^(\d+(\.\d+)?(h|m|s))+$/.test(value)) return Number.NaN;
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1 };
  return [...value.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)].reduce(
    (total, [, amount, suffix]) => total + Number(amount) * (unit[suffix as string] as number),
    0,
  );
}
const duration = (value: unknown) => durationSeconds(value) > 0;

/** The key usages cert-manager accepts (the subset of its KeyUsage enum a TLS certificate would use). */
const KEY_USAGES = [
  'signing',
  'digital signature',
  'content commitment',
  'key encipherment',
  'key agreement',
  'data encipherment',
  'cert sign',
  'crl sign',
  'server auth',
  'client auth',
];
const ISSUER_TYPES = ['selfSigned', 'ca', 'acme', 'vault', 'venafi'];

/** The operators' resources: the fields this project relies on, with their types. */
const CUSTOM_RESOURCES: Record<
  string,
  { apiVersion: string; rules: FieldRule[]; check?: (resource: Resource) => string[] }
> = {
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
  Certificate: {
    apiVersion: 'cert-manager.io/v1',
    rules: [
      ['spec.secretName', text, 'a Secret name'],
      ['spec.issuerRef.name', text, 'an issuer name'],
      ['spec.issuerRef.kind', optional(oneOf('Issuer', 'ClusterIssuer')), 'Issuer or ClusterIssuer'],
      ['spec.issuerRef.group', optional(oneOf('cert-manager.io')), 'cert-manager.io'],
      ['spec.isCA', optional((v) => typeof v === 'boolean'), 'a boolean'],
      ['spec.commonName', optional(text), 'a name'],
      ['spec.uris', optional(texts), 'a list of URIs'],
      ['spec.dnsNames', optional(texts), 'a list of names'],
      ['spec.duration', optional(duration), 'a duration such as 72h'],
      ['spec.renewBefore', optional(duration), 'a duration such as 24h'],
      ['spec.privateKey.algorithm', optional(oneOf('RSA', 'ECDSA', 'Ed25519')), 'RSA, ECDSA or Ed25519'],
      ['spec.privateKey.size', optional(Number.isInteger), 'an integer'],
      ['spec.privateKey.rotationPolicy', optional(oneOf('Never', 'Always')), 'Never or Always'],
      [
        'spec.usages',
        optional((v) => Array.isArray(v) && v.every((usage) => KEY_USAGES.includes(String(usage)))),
        `a list of ${KEY_USAGES.join(', ')}`,
      ],
    ],
    check: (resource) => {
      const spec = asObject(resource['spec']);
      const problems: string[] = [];
      const subjects = ['commonName', 'dnsNames', 'uris', 'ipAddresses', 'emailAddresses'];
      if (!subjects.some((field) => spec[field] !== undefined))
        problems.push(`one of spec.${subjects.join(', spec.')} is required`);
      const lifetime = durationSeconds(spec['duration'] ?? '2160h');
      if (spec['renewBefore'] !== undefined && durationSeconds(spec['renewBefore']) >= lifetime)
        problems.push('spec.renewBefore must be shorter than spec.duration');
      const size = asObject(spec['privateKey'])['size'];
      if (
        asObject(spec['privateKey'])['algorithm'] === 'ECDSA' &&
        ![256, 384, 521, undefined].includes(size as number)
      )
        problems.push('spec.privateKey.size must be 256, 384 or 521 for ECDSA');
      return problems;
    },
  },
  Issuer: {
    apiVersion: 'cert-manager.io/v1',
    rules: [['spec.ca.secretName', optional(text), 'a Secret name']],
    check: (resource) => {
      const types = ISSUER_TYPES.filter((type) => asObject(resource['spec'])[type] !== undefined);
      return types.length === 1 ? [] : [`spec needs exactly one of ${ISSUER_TYPES.join(', ')}`];
    },
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
  for (const problem of schema.check?.(resource) ?? []) problems.push(`${key(resource)}: ${problem}`);
  if (resource.kind.startsWith('Kafka') && resource.kind !== 'Kafka') {
    const cluster = asObject(resource.metadata['labels'])['strimzi.io/cluster'];
    if (!cluster) problems.push(`${key(resource)}: no strimzi.io/cluster label`);
  }
  return problems;
}

/** The schema problems of every resource, in the order of the resources. */
export async function validateSchemas(resources: Resource[]): Promise<string[]> {
  const problems: string[] = [];
  for (const resource of resources) {
    if (CUSTOM_RESOURCES[resource.kind]) problems.push(...validateCustom(resource));
    else {
      const problem = await validateBuiltIn(resource);
      if (problem) problems.push(problem);
    }
  }
  return problems;
}
