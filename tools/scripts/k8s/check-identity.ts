/**
 * Service identity: every app mounts a cert-manager Secret at GRPC_TLS_DIR, issued by the shop's CA to
 * spiffe://shop.local/<the app>, with the key usages its role needs, rolled on renewal; every gRPC
 * probe uses the plaintext probe port (the kubelet cannot present a client certificate).
 */
import { APP_SCHEMAS } from '../check-env-contract';
import { durationSeconds } from './validate-schemas';
import type { ResourceIndex } from './resource-index';
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

export const SPIFFE_TRUST_DOMAIN = 'shop.local';
/** Short-lived: a leaked workload key is worth at most this long. */
const MAX_WORKLOAD_LIFETIME_HOURS = 7 * 24;
const RELOADER_ANNOTATION = 'secret.reloader.stakater.com/reload';

/** The Issuer a Certificate names, and the CA Certificate behind it when it is a `ca` Issuer. */
function checkIssuerChain(certificate: Resource, index: ResourceIndex): string[] {
  const ref = asObject(asObject(certificate['spec'])['issuerRef']);
  if ((ref['kind'] ?? 'Issuer') !== 'Issuer') return []; // a ClusterIssuer lives outside these manifests
  const issuer = index.byKind('Issuer').find((resource) => resource.metadata.name === ref['name']);
  if (!issuer) return [`${key(certificate)}: no Issuer ${asText(ref['name'])}`];
  const ca = asObject(asObject(issuer['spec'])['ca']);
  if (ca['secretName'] === undefined) return [];
  const caCertificate = index.certificatesBySecret.get(asText(ca['secretName']));
  if (!caCertificate)
    return [`${key(issuer)}: no Certificate writes its CA Secret ${asText(ca['secretName'])}`];
  if (asObject(caCertificate['spec'])['isCA'] !== true)
    return [`${key(caCertificate)}: is the CA of ${key(issuer)} but not isCA`];
  return checkIssuerChain(caCertificate, index);
}

/** What the workload's certificate must say, given whether it serves gRPC and whether it calls a service. */
function checkWorkloadCertificate(
  app: string,
  certificate: Resource,
  roles: { server: boolean; client: boolean },
): string[] {
  const problems: string[] = [];
  const spec = asObject(certificate['spec']);
  const expected = `spiffe://${SPIFFE_TRUST_DOMAIN}/${app}`;
  const uris = asArray(spec['uris']);
  if (uris.length !== 1 || uris[0] !== expected)
    problems.push(
      `${key(certificate)}: uris must be [${expected}] (the workload that mounts it), not [${uris.map(asText).join(', ')}]`,
    );
  if (spec['isCA'] === true) problems.push(`${key(certificate)}: a workload certificate must not be a CA`);
  const privateKey = asObject(spec['privateKey']);
  if (privateKey['algorithm'] !== 'ECDSA' || privateKey['size'] !== 256)
    problems.push(`${key(certificate)}: the key must be ECDSA P-256 (privateKey algorithm ECDSA, size 256)`);
  const hours = durationSeconds(spec['duration']) / 3600;
  if (!(hours <= MAX_WORKLOAD_LIFETIME_HOURS))
    problems.push(`${key(certificate)}: duration must be set and at most ${MAX_WORKLOAD_LIFETIME_HOURS}h`);
  if (spec['renewBefore'] === undefined) problems.push(`${key(certificate)}: no renewBefore`);
  const usages = asArray(spec['usages']).map(String);
  if (roles.server && !usages.includes('server auth'))
    problems.push(`${key(certificate)}: ${app} serves gRPC, so its usages need server auth`);
  if (roles.client && !usages.includes('client auth'))
    problems.push(`${key(certificate)}: ${app} calls a service, so its usages need client auth`);
  return problems;
}

/** The gRPC probes of an app with mTLS use GRPC_PROBE_PORT, a declared container port. */
function checkProbes(deployment: Resource, container: JsonObject, probePort: string | undefined): string[] {
  const problems: string[] = [];
  const declared = asArray(container['ports'])
    .filter(isObject)
    .some((port) => asText(port['containerPort']) === probePort);
  if (probePort !== undefined && !declared)
    problems.push(`${key(deployment)}: GRPC_PROBE_PORT ${probePort} is not a container port`);
  for (const name of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
    const grpc = asObject(asObject(container[name])['grpc']);
    if (grpc['port'] === undefined) continue;
    if (probePort === undefined)
      problems.push(`${key(deployment)}: ${name} is a gRPC probe, but GRPC_PROBE_PORT is not set`);
    else if (asText(grpc['port']) !== probePort)
      problems.push(
        `${key(deployment)}: ${name} probes port ${asText(grpc['port'])}, not GRPC_PROBE_PORT ${probePort}`,
      );
  }
  return problems;
}

function checkApp(deployment: Resource, index: ResourceIndex): string[] {
  const app = deployment.metadata.name;
  const container = containersOf(deployment).find((c) => c['name'] === app);
  if (!container) return [`${key(deployment)}: no container ${app}`];
  const env = index.envOf(deployment);
  const text = (name: string) => (typeof env[name] === 'string' ? env[name] : undefined);
  const problems = checkProbes(deployment, container, text('GRPC_PROBE_PORT'));
  const tlsDir = text('GRPC_TLS_DIR');
  if (tlsDir === undefined)
    return [...problems, `${key(deployment)}: GRPC_TLS_DIR is not set: gRPC without mTLS`];
  const mount = asArray(container['volumeMounts'])
    .filter(isObject)
    .find((m) => m['mountPath'] === tlsDir);
  if (!mount) return [...problems, `${key(deployment)}: nothing is mounted at GRPC_TLS_DIR ${tlsDir}`];
  if (mount['readOnly'] !== true) problems.push(`${key(deployment)}: ${tlsDir} must be mounted readOnly`);
  const podSpec = asObject(asObject(asObject(deployment['spec'])['template'])['spec']);
  const volume = asArray(podSpec['volumes'])
    .filter(isObject)
    .find((v) => v['name'] === mount['name']);
  const secretName = asObject(asObject(volume)['secret'])['secretName'];
  if (secretName === undefined) return [...problems, `${key(deployment)}: ${tlsDir} is not a Secret volume`];
  const certificate = index.certificatesBySecret.get(asText(secretName));
  if (!certificate)
    return [
      ...problems,
      `${key(deployment)}: no cert-manager Certificate issues its Secret ${asText(secretName)}`,
    ];
  const annotations = asObject(deployment.metadata['annotations']);
  if (annotations[RELOADER_ANNOTATION] !== secretName)
    problems.push(
      `${key(deployment)}: ${RELOADER_ANNOTATION} must name ${asText(secretName)}, so that a renewal rolls it`,
    );
  const server = [...index.services.values()].some(
    (service) =>
      asObject(asObject(service['spec'])['selector'])['app.kubernetes.io/name'] === app &&
      asArray(asObject(service['spec'])['ports']).some((port) => asObject(port)['name'] === 'grpc'),
  );
  const client = Object.keys(env).some((name) => name.endsWith('_SERVICE_ADDRESS'));
  problems.push(...checkWorkloadCertificate(app, certificate, { server, client }));
  problems.push(...checkIssuerChain(certificate, index));
  return problems;
}

export function checkIdentity(index: ResourceIndex): string[] {
  return index.deployments
    .filter((deployment) => APP_SCHEMAS[deployment.metadata.name] !== undefined)
    .flatMap((deployment) => checkApp(deployment, index));
}
