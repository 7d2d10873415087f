import { credentials, type ServerCredentials, type ServerInterceptor } from '@grpc/grpc-js';
import { grpcTransportOf, type GrpcTransportEnv } from '@shop/config';
import type { Logger } from '@shop/logger';
import { authorisationInterceptor, type ServiceCallers } from './authorisation';
import { mtlsClientSecurity, mtlsServerCredentials, type GrpcClientSecurity } from './credentials';
import type { Workload } from './spiffe';
import { readTlsDir } from './tls-files';

/** How an app's gRPC server listens: what `createGrpcServer` takes as credentials and interceptors. */
export interface GrpcServerSecurity {
  credentials: ServerCredentials | 'insecure';
  interceptors: ServerInterceptor[];
}

/**
 * The server side of the app's gRPC transport as its config chose it: mutual TLS with the caller tables
 * enforced, or (GRPC_INSECURE=true) plaintext, where no caller has an identity to authorise, with a
 * warning. Reads the certificate files now, so that a missing one fails the start, as does a config
 * that chose neither (a ConfigError).
 */
export function grpcServerSecurity(
  config: GrpcTransportEnv,
  services: readonly ServiceCallers[],
  logger: Logger,
): GrpcServerSecurity {
  const transport = grpcTransportOf(config);
  if (transport.kind === 'insecure') {
    warnOnce(logger, transport.warning);
    return { credentials: 'insecure', interceptors: [] };
  }
  return {
    credentials: mtlsServerCredentials(readTlsDir(transport.tlsDir)),
    interceptors: [authorisationInterceptor(services, logger)],
  };
}

/**
 * How the app's clients of `server` connect, as its config chose: with its workload certificate, the
 * server authenticated as that workload, or plaintext (with a warning).
 */
export function grpcClientSecurity(
  config: GrpcTransportEnv,
  server: Workload,
  logger: Logger,
): GrpcClientSecurity {
  const transport = grpcTransportOf(config);
  if (transport.kind === 'insecure') {
    warnOnce(logger, transport.warning);
    return { credentials: credentials.createInsecure(), channelOptions: {} };
  }
  return mtlsClientSecurity(readTlsDir(transport.tlsDir), server);
}

// One warning per app (its logger), however many servers and clients it builds.
const warned = new WeakSet<Logger>();

function warnOnce(logger: Logger, warning: string): void {
  if (warned.has(logger)) return;
  warned.add(logger);
  logger.warn(warning);
}
