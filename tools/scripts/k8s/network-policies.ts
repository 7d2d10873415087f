/**
 * NetworkPolicy semantics (networking.k8s.io/v1), enough to ask "may this pod open that connection":
 * a pod selected by a policy of a direction is isolated in that direction, and then a connection needs a
 * rule of some selecting policy whose peers and ports match; sender egress and receiver ingress both.
 *
 * Endpoints are pods of these manifests (with their labels and named ports), pods the operators create
 * (their documented labels), or somewhere the manifests do not describe, which only a rule open to
 * every pod of every namespace (or an ipBlock of 0.0.0.0/0) matches.
 */
import { labelsMatch } from './resource-index';
import { asArray, asObject, isObject, type JsonObject, type Resource } from './resources';

export interface Endpoint {
  /** How messages name it: `gateway`, `Postgres of users-db`, `the OTLP collector`. */
  name: string;
  /** Its namespace's labels; undefined where it is unknown. */
  namespace?: JsonObject;
  /** Its pod labels; undefined for somewhere the manifests do not describe. */
  labels?: JsonObject;
  /** Named container ports, for rules that name a port. */
  ports?: Record<string, number>;
}

export interface Connection {
  from: Endpoint;
  to: Endpoint;
  port: number;
  protocol?: 'TCP' | 'UDP';
}

const isSelectAll = (selector: unknown) =>
  selector === undefined ||
  (isObject(selector) &&
    asArray(selector['matchExpressions']).length === 0 &&
    Object.keys(asObject(selector['matchLabels'])).length === 0);

function peerMatches(peer: JsonObject, endpoint: Endpoint, policyNamespace: JsonObject): boolean {
  const ipBlock = asObject(peer['ipBlock']);
  if (peer['ipBlock'] !== undefined)
    return (
      endpoint.labels === undefined &&
      ipBlock['cidr'] === '0.0.0.0/0' &&
      asArray(ipBlock['except']).length === 0
    );
  const namespaceSelector = peer['namespaceSelector'];
  const podSelector = peer['podSelector'];
  if (endpoint.labels === undefined || endpoint.namespace === undefined)
    return namespaceSelector !== undefined && isSelectAll(namespaceSelector) && isSelectAll(podSelector);
  const namespaceOk =
    namespaceSelector === undefined
      ? endpoint.namespace['kubernetes.io/metadata.name'] === policyNamespace['kubernetes.io/metadata.name']
      : labelsMatch(asObject(namespaceSelector), endpoint.namespace);
  return namespaceOk && labelsMatch(asObject(podSelector), endpoint.labels);
}

function portMatches(rulePort: JsonObject, connection: Connection, receiver: Endpoint): boolean {
  if ((rulePort['protocol'] ?? 'TCP') !== (connection.protocol ?? 'TCP')) return false;
  const port = rulePort['port'];
  if (port === undefined) return true;
  const number = typeof port === 'string' ? receiver.ports?.[port] : port;
  if (typeof number !== 'number') return false;
  const end = typeof rulePort['endPort'] === 'number' ? rulePort['endPort'] : number;
  return connection.port >= number && connection.port <= end;
}

type Direction = 'Ingress' | 'Egress';

const policyTypes = (policy: Resource): Direction[] => {
  const spec = asObject(policy['spec']);
  const given = asArray(spec['policyTypes']).map(String) as Direction[];
  if (given.length > 0) return given;
  return spec['egress'] !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
};

export class NetworkPolicies {
  private readonly namespace: JsonObject;

  /** `namespace`: the namespace the policies and the manifests' pods are in. */
  constructor(
    private readonly policies: Resource[],
    namespace: string,
  ) {
    this.namespace = { 'kubernetes.io/metadata.name': namespace };
  }

  /** An endpoint for a pod of these manifests' namespace. */
  pod(name: string, labels: JsonObject, ports: Record<string, number> = {}): Endpoint {
    return { name, namespace: this.namespace, labels, ports };
  }

  /** Whether the endpoint's own policies let the connection leave (Egress) or arrive (Ingress). */
  private allows(direction: Direction, endpoint: Endpoint, connection: Connection): boolean {
    // Only pods of this namespace are governed here; others answer to their own namespace's policies.
    if (
      endpoint.labels === undefined ||
      endpoint.namespace?.['kubernetes.io/metadata.name'] !== this.namespace['kubernetes.io/metadata.name']
    )
      return true;
    const labels = endpoint.labels;
    const selecting = this.policies.filter(
      (policy) =>
        policyTypes(policy).includes(direction) &&
        labelsMatch(asObject(asObject(policy['spec'])['podSelector']), labels),
    );
    if (selecting.length === 0) return true;
    const peerField = direction === 'Egress' ? 'to' : 'from';
    const peer = direction === 'Egress' ? connection.to : connection.from;
    return selecting.some((policy) =>
      asArray(asObject(policy['spec'])[direction === 'Egress' ? 'egress' : 'ingress'])
        .filter(isObject)
        .some((rule) => {
          const ports = asArray(rule['ports']).filter(isObject);
          const peers = asArray(rule[peerField]).filter(isObject);
          return (
            (ports.length === 0 || ports.some((port) => portMatches(port, connection, connection.to))) &&
            (rule[peerField] === undefined || peers.some((p) => peerMatches(p, peer, this.namespace)))
          );
        }),
    );
  }

  /** Undefined when the connection is allowed; otherwise which side's policies drop it. */
  blocked(connection: Connection): string | undefined {
    if (!this.allows('Egress', connection.from, connection))
      return `${connection.from.name}'s egress policies`;
    if (!this.allows('Ingress', connection.to, connection)) return `${connection.to.name}'s ingress policies`;
    return undefined;
  }
}
