/**
 * The endpoints of connections in an overlay: its Deployments' pods, the pods CloudNativePG and Strimzi
 * create (by their documented labels), the collector, and elsewhere; and the Strimzi policy for the brokers.
 */
import { NetworkPolicies, type Endpoint } from './network-policies';
import { podLabels, type ResourceIndex } from './resource-index';
import {
  asArray,
  asObject,
  asText,
  containersOf,
  isObject,
  type Json,
  type JsonObject,
  type Resource,
} from './resources';

export const CNPG_OPERATOR = {
  namespace: 'cnpg-system',
  labels: { 'app.kubernetes.io/name': 'cloudnative-pg' },
};
/** The collector the README names as a prerequisite: the Service otel-collector of the OpenTelemetry Operator. */
const COLLECTOR = {
  service: 'otel-collector',
  labels: {
    'app.kubernetes.io/component': 'opentelemetry-collector',
    'app.kubernetes.io/name': 'otel-collector',
  },
};
export const POSTGRES_PORTS = { postgresql: 5432, metrics: 9187, status: 8000 };

export const elsewhere = (name: string): Endpoint => ({ name });

/**
 * The ingress NetworkPolicy Strimzi creates for a Kafka's brokers: each listener's port (from its
 * networkPolicyPeers, or anywhere) and replication among its pods (the cluster operator's part omitted).
 */
function strimziPolicy(kafka: Resource): Resource {
  const cluster = kafka.metadata.name;
  const kafkaPods = {
    podSelector: { matchLabels: { 'strimzi.io/cluster': cluster, 'strimzi.io/kind': 'Kafka' } },
  };
  const listeners = asArray(asObject(asObject(kafka['spec'])['kafka'])['listeners']).filter(isObject);
  const ingress: Json[] = [
    { from: [kafkaPods], ports: [{ port: 9090 }, { port: 9091 }] },
    ...listeners.map((listener): JsonObject => {
      const ports = [{ port: listener['port'] ?? null }];
      return listener['networkPolicyPeers'] === undefined
        ? { ports }
        : { from: listener['networkPolicyPeers'], ports };
    }),
  ];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `${cluster}-network-policy-kafka` },
    spec: {
      podSelector: { matchLabels: { 'strimzi.io/name': `${cluster}-kafka` } },
      policyTypes: ['Ingress'],
      ingress,
    },
  };
}

/** Named container ports of a Deployment's pods. */
function namedPorts(deployment: Resource): Record<string, number> {
  const ports: Record<string, number> = {};
  for (const container of containersOf(deployment))
    for (const port of asArray(container['ports']).filter(isObject))
      if (typeof port['name'] === 'string' && typeof port['containerPort'] === 'number')
        ports[port['name']] = port['containerPort'];
  return ports;
}

/** The pods of an overlay (and of its operators) as NetworkPolicy endpoints, and where an address leads. */
export class Endpoints {
  readonly policies: NetworkPolicies;
  constructor(private readonly index: ResourceIndex) {
    const namespace = asText(index.resources[0]?.metadata['namespace']) || 'default';
    const policies = [...index.byKind('NetworkPolicy'), ...index.byKind('Kafka').map(strimziPolicy)];
    this.policies = new NetworkPolicies(policies, namespace);
  }

  app(deployment: Resource): Endpoint {
    return this.policies.pod(deployment.metadata.name, podLabels(deployment), namedPorts(deployment));
  }

  postgres(cluster: string): Endpoint {
    return this.policies.pod(
      `Postgres of ${cluster}`,
      { 'cnpg.io/cluster': cluster, 'cnpg.io/podRole': 'instance' },
      POSTGRES_PORTS,
    );
  }

  broker(cluster: string): Endpoint {
    const labels = {
      'strimzi.io/cluster': cluster,
      'strimzi.io/kind': 'Kafka',
      'strimzi.io/name': `${cluster}-kafka`,
    };
    return this.policies.pod(`Kafka broker of ${cluster}`, { ...labels, 'strimzi.io/broker-role': 'true' });
  }

  entityOperator(cluster: string): Endpoint {
    const labels = {
      'strimzi.io/cluster': cluster,
      'strimzi.io/kind': 'Kafka',
      'strimzi.io/name': `${cluster}-entity-operator`,
    };
    return this.policies.pod(`the entity operator of ${cluster}`, labels);
  }

  /** The pods behind a Service of these manifests, and the container port a Service port leads to. */
  behindService(name: string, port: number): { to: Endpoint; port: number } | undefined {
    const service = this.index.services.get(name);
    if (!service) return undefined;
    const spec = asObject(service['spec']);
    const servicePort = asArray(spec['ports'])
      .filter(isObject)
      .find((p) => p['port'] === port);
    const deployment = this.index.deployments.find((d) =>
      Object.entries(asObject(spec['selector'])).every(([label, value]) => podLabels(d)[label] === value),
    );
    if (!servicePort || !deployment) return undefined;
    const target = servicePort['targetPort'] ?? port;
    const to = this.app(deployment);
    const number = typeof target === 'string' ? to.ports?.[target] : target;
    return typeof number === 'number' ? { to, port: number } : undefined;
  }

  /** A URL's or address's host: a Service here, a CloudNativePG or Kafka Service, or elsewhere. */
  resolve(host: string, port: number, what: string): { to: Endpoint; port: number } {
    const service = this.behindService(host, port);
    if (service) return service;
    const cluster = host.replace(/-rw$/, '');
    if (host.endsWith('-rw') && this.index.clusters.has(cluster)) return { to: this.postgres(cluster), port };
    const kafka = host.replace(/-kafka-bootstrap$/, '');
    if (this.index.kafkas.has(kafka)) return { to: this.broker(kafka), port };
    if (host === COLLECTOR.service)
      return { to: this.policies.pod('the OTLP collector', COLLECTOR.labels), port };
    return { to: elsewhere(what), port };
  }
}
