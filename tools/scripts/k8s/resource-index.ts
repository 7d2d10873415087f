/** The rendered resources looked up by kind and name, as the reference checks need them. */
import { asObject, type JsonObject, type Resource } from './resources';

/** Whether a selector's matchLabels all hold in `labels` (matchExpressions are not used here). */
export const labelsMatch = (selector: JsonObject, labels: JsonObject) =>
  Object.entries(asObject(selector['matchLabels'])).every(([name, value]) => labels[name] === value);

export const podLabels = (deployment: Resource) =>
  asObject(asObject(asObject(asObject(deployment['spec'])['template'])['metadata'])['labels']);

export function indexResources(resources: Resource[]) {
  const byKind = (kind: string) => resources.filter((resource) => resource.kind === kind);
  return {
    resources,
    byKind,
    deployments: byKind('Deployment'),
    configMaps: new Map(
      byKind('ConfigMap').map((resource) => [resource.metadata.name, asObject(resource['data'])]),
    ),
    services: new Map(byKind('Service').map((resource) => [resource.metadata.name, resource])),
    /** CloudNativePG clusters. */
    clusters: new Set(byKind('Cluster').map((resource) => resource.metadata.name)),
    kafkas: new Set(byKind('Kafka').map((resource) => resource.metadata.name)),
  };
}

export type ResourceIndex = ReturnType<typeof indexResources>;
