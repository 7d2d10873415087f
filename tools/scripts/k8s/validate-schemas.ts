/**
 * Each resource against its schema: built-in kinds through kubernetes-models (types, required fields),
 * the operators' kinds (Strimzi, CloudNativePG) by the fields this project relies on.
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
