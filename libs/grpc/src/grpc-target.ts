import { isIP } from 'node:net';
import { AppError } from '@shop/errors';

// A target that already names its resolver is taken as it is: `dns:///orders:50051`, `ipv4:...`, `unix:...`.
const EXPLICIT_SCHEME = /^(dns|ipv4|ipv6|unix|unix-abstract):/;

/**
 * Turns a configured address into a gRPC target:
 * - `orders:50051` → `dns:///orders:50051` (every address the name resolves to is a replica);
 * - `10.0.0.1:50051,10.0.0.2:50051` → `ipv4:10.0.0.1:50051,10.0.0.2:50051` (a fixed list of replicas);
 * - `[::1]:50051,[::1]:50052` → `ipv6:[::1]:50051,[::1]:50052`;
 * - `dns:///orders:50051` and other explicit targets → unchanged.
 * With round_robin (see channel-options.ts) calls are spread over all of them.
 */
export function grpcTarget(address: string): string {
  const trimmed = address.trim();
  if (EXPLICIT_SCHEME.test(trimmed)) return trimmed;

  const endpoints = trimmed.split(',').map((part) => parseEndpoint(part.trim(), address));
  const families = new Set(endpoints.map((endpoint) => isIP(endpoint.host)));
  const [first] = endpoints;
  if (endpoints.length === 1 && first && !families.has(4) && !families.has(6)) {
    return `dns:///${first.host}:${first.port}`;
  }
  const joined = endpoints.map(({ host, port }) =>
    host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
  );
  if (families.size === 1 && families.has(4)) return `ipv4:${joined.join(',')}`;
  if (families.size === 1 && families.has(6)) return `ipv6:${joined.join(',')}`;
  throw invalid(
    address,
    'a list of replicas must be all IPv4 or all IPv6 addresses; for names, use one DNS name that resolves to every replica',
  );
}

function parseEndpoint(endpoint: string, address: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(endpoint);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw invalid(
      address,
      'expected host:port, [ipv6]:port, a comma-separated list of them, or dns:///host:port',
    );
  }
  return { host, port };
}

function invalid(address: string, why: string): AppError {
  return new AppError('INVALID_ARGUMENT', `Invalid gRPC address "${address}": ${why}`, {
    operational: false,
  });
}
