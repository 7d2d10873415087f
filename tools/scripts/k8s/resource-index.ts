/** The rendered resources looked up by kind and name, as the reference checks need them. */
import { OPAQUE, type EnvValue } from '../check-env-contract';
import {
  asArray,
  asObject,
  asText,
  containersOf,
  isObject,
  type JsonObject,
  type Resource,
} from './resources';

/** Whether a label selector (matchLabels and matchExpressions) selects `labels`; `{}` selects everything. */
export function labelsMatch(selector: JsonObject, labels: JsonObject): boolean {
  const byLabel = Object.entries(asObject(selector['matchLabels'])).every(
    ([name, value]) => labels[name] === value,
  );
  return (
    byLabel &&
    asArray(selector['matchExpressions'])
      .filter(isObject)
      .every((expression) => {
        const value = labels[asText(expression['key'])];
        const values = asArray(expression['values']);
        switch (expression['operator']) {
          case 'In':
            return value !== undefined && values.includes(value);
          case 'NotIn':
            return value === undefined || !values.includes(value);
          case 'Exists':
            return value !== undefined;
          case 'DoesNotExist':
            return value === undefined;
          default:
            return false;
        }
      })
  );
}

export const podLabels = (deployment: Resource) =>
  asObject(asObject(asObject(asObject(deployment['spec'])['template'])['metadata'])['labels']);

/** A container's environment as the kubelet builds it: its ConfigMaps (envFrom) first, `env` over them. */
export function containerEnv(
  container: JsonObject,
  configMaps: Map<string, JsonObject>,
): Record<string, EnvValue> {
  const env: Record<string, EnvValue> = {};
  for (const source of asArray(container['envFrom']).filter(isObject)) {
    const data = configMaps.get(asText(asObject(source['configMapRef'])['name'])) ?? {};
    for (const [name, value] of Object.entries(data)) env[name] = asText(value);
  }
  // A value from a Secret is unknown here: present, but not for the checks to judge.
  for (const variable of asArray(container['env']).filter(isObject)) {
    env[asText(variable['name'])] = variable['value'] !== undefined ? asText(variable['value']) : OPAQUE;
  }
  return env;
}

export function indexResources(resources: Resource[]) {
  const byKind = (kind: string) => resources.filter((resource) => resource.kind === kind);
  const configMaps = new Map(
    byKind('ConfigMap').map((resource) => [resource.metadata.name, asObject(resource['data'])]),
  );
  return {
    resources,
    byKind,
    deployments: byKind('Deployment'),
    configMaps,
    services: new Map(byKind('Service').map((resource) => [resource.metadata.name, resource])),
    /** CloudNativePG clusters. */
    clusters: new Set(byKind('Cluster').map((resource) => resource.metadata.name)),
    kafkas: new Set(byKind('Kafka').map((resource) => resource.metadata.name)),
    /** cert-manager Certificates by the Secret they write. */
    certificatesBySecret: new Map(
      byKind('Certificate').map((resource) => [asText(asObject(resource['spec'])['secretName']), resource]),
    ),
    /** The environment of a Deployment's app container (the one named like the Deployment). */
    envOf: (deployment: Resource): Record<string, EnvValue> => {
      const container = containersOf(deployment).find((c) => c['name'] === deployment.metadata.name);
      return container ? containerEnv(container, configMaps) : {};
    },
  };
}

export type ResourceIndex = ReturnType<typeof indexResources>;
