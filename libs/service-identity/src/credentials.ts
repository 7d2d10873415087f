import { credentials, ServerCredentials, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';
import type { PeerCertificate } from 'node:tls';
import type { TlsMaterial } from './tls-files';
import { spiffeId, workloadOf } from './spiffe';

/** A server that requires every caller to present a certificate signed by the CA. */
export function mtlsServerCredentials(tls: TlsMaterial): ServerCredentials {
  return ServerCredentials.createSsl(tls.ca, [{ cert_chain: tls.certificate, private_key: tls.key }], true);
}

/**
 * A client presenting the workload's certificate. The server is authenticated by its SPIFFE id rather
 * than its host name: any address (an IP, a cluster DNS name, a replica list) then works, and a
 * certificate of another workload of ours is refused. Without `server`, any workload of the trust
 * domain will do (for health checks of whatever listens there).
 */
export function mtlsChannelCredentials(tls: TlsMaterial, server?: string): ChannelCredentials {
  const expected = server === undefined ? undefined : spiffeId(server);
  return credentials.createSsl(tls.ca, tls.key, tls.certificate, {
    checkServerIdentity: (_host: string, certificate: PeerCertificate) => {
      const workload = workloadOf(certificate);
      if (workload === undefined) return new Error('The server presented no shop.local workload identity');
      if (expected !== undefined && spiffeId(workload) !== expected) {
        return new Error(`Expected the server ${expected}, found ${spiffeId(workload)}`);
      }
      return undefined;
    },
  });
}

/** What `createClient` takes to reach a peer as a workload: credentials and the channel options they need. */
export interface GrpcClientSecurity {
  credentials: ChannelCredentials;
  channelOptions: ChannelOptions;
}

/**
 * mtlsChannelCredentials with the TLS server name (SNI) set to the expected workload's rather than the
 * address's: an IP cannot be one (RFC 6066), and the server is checked by its SPIFFE id anyway.
 */
export function mtlsClientSecurity(tls: TlsMaterial, server?: string): GrpcClientSecurity {
  return {
    credentials: mtlsChannelCredentials(tls, server),
    channelOptions: server === undefined ? {} : { 'grpc.ssl_target_name_override': server },
  };
}
