import type { PeerCertificate } from 'node:tls';

/** The trust domain of the shop's workload identities: `spiffe://shop.local/<workload>`. */
export const TRUST_DOMAIN = 'shop.local';

/** The workloads that hold an identity and call each other over gRPC. */
export const WORKLOADS = [
  'gateway',
  'users-service',
  'orders-service',
  'payments-service',
  'email-service',
] as const;
export type Workload = (typeof WORKLOADS)[number];

// A SPIFFE path segment we issue: a DNS label, so that the name doubles as the certificate's DNS SAN.
const WORKLOAD_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function isWorkloadName(name: string): boolean {
  return WORKLOAD_NAME.test(name);
}

export function spiffeId(workload: string): string {
  if (!isWorkloadName(workload)) {
    throw new Error(
      `Invalid workload name ${JSON.stringify(workload)}: expected a DNS label such as users-service`,
    );
  }
  return `spiffe://${TRUST_DOMAIN}/${workload}`;
}

/**
 * The SPIFFE ids in a certificate's subject alternative names, as Node renders them
 * (`DNS:users-service, IP Address:127.0.0.1, URI:spiffe://shop.local/users-service`).
 */
export function spiffeIdsOf(certificate: Pick<PeerCertificate, 'subjectaltname'> | undefined): string[] {
  const names = certificate?.subjectaltname;
  if (!names) return [];
  return names
    .split(', ')
    .filter((name) => name.startsWith('URI:spiffe://'))
    .map((name) => name.slice('URI:'.length));
}

/**
 * The workload a certificate identifies in our trust domain: exactly one SPIFFE id (as the SPIFFE X.509
 * profile requires) of the form spiffe://shop.local/<name>; anything else identifies no one.
 */
export function workloadOf(
  certificate: Pick<PeerCertificate, 'subjectaltname'> | undefined,
): string | undefined {
  const ids = spiffeIdsOf(certificate);
  if (ids.length !== 1) return undefined;
  const prefix = `spiffe://${TRUST_DOMAIN}/`;
  const [id] = ids as [string];
  if (!id.startsWith(prefix)) return undefined;
  const name = id.slice(prefix.length);
  return isWorkloadName(name) ? name : undefined;
}
