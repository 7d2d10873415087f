import {
  Client,
  Metadata,
  status,
  type ServiceDefinition,
  type ServiceError,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { createGrpcServer, type GrpcServer, type GrpcService } from '@shop/grpc';
import type { Logger } from '@shop/logger';
import {
  grpcServerSecurity,
  mtlsClientSecurity,
  readTlsDir,
  type GrpcClientSecurity,
  type ServiceCallers,
  type TlsMaterial,
  type Workload,
} from '@shop/service-identity';
import { join } from 'node:path';
import { CERTIFICATES_DIR_VARIABLE, issueTestCertificates } from './test-certificates';

export { UNKNOWN_WORKLOAD } from './test-certificates';

export interface TestCertificates {
  /** `<dir>/<workload>/{tls.crt,tls.key,ca.crt}`: a GRPC_TLS_DIR per workload. */
  dir: string;
  tlsDir(workload: string): string;
  tls(workload: string): TlsMaterial;
  /** The same names, signed by a CA of their own: a stranger's certificates. */
  foreignTls(workload: string): TlsMaterial;
  /** What a client presenting `caller`'s certificate that expects `server` takes (createClient's options). */
  clientSecurity(caller: string, server?: Workload): GrpcClientSecurity;
}

let issued: Promise<TestCertificates> | undefined;

/**
 * Real certificates for tests (see issueTestCertificates): the run's, made once by the global set-up,
 * or, outside it, this process's own.
 */
export function testCertificates(): Promise<TestCertificates> {
  issued ??= (async () => {
    const dir = process.env[CERTIFICATES_DIR_VARIABLE] ?? (await issueTestCertificates());
    const tlsDir = (workload: string) => join(dir, 'ours', workload);
    const tls = (workload: string) => readTlsDir(tlsDir(workload));
    return {
      dir: join(dir, 'ours'),
      tlsDir,
      tls,
      foreignTls: (workload) => readTlsDir(join(dir, 'foreign', workload)),
      clientSecurity: (caller, server) => mtlsClientSecurity(tls(caller), server),
    };
  })();
  return issued;
}

/**
 * Every handler answers at once with the empty response: what a caller table decides happens before
 * any handler runs, so these stand for the real ones, whatever the definition.
 */
function answeringEmpty(definition: ServiceDefinition): GrpcService {
  const implementation: UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    const empty: unknown = method.responseDeserialize(Buffer.alloc(0));
    implementation[name] = method.responseStream
      ? (call: { end(): void }) => call.end()
      : (_call: unknown, callback: (error: null, response: unknown) => void) => callback(null, empty);
  }
  return { definition, implementation };
}

/**
 * A gRPC server with `server`'s certificate, enforcing the caller tables as the app does
 * (grpcServerSecurity), serving every method of the tables' definitions.
 */
export async function startCallerTableServer(options: {
  server: Workload;
  callers: readonly ServiceCallers[];
  logger: Logger;
}): Promise<{ address: string; server: GrpcServer }> {
  const certificates = await testCertificates();
  const security = grpcServerSecurity(
    { GRPC_TLS_DIR: certificates.tlsDir(options.server), GRPC_INSECURE: false },
    options.callers,
    options.logger,
  );
  const server = createGrpcServer({
    services: options.callers.map(({ definition }) => answeringEmpty(definition)),
    logger: options.logger,
    ...security,
  });
  const port = await server.listen('127.0.0.1', 0);
  return { address: `127.0.0.1:${port}`, server };
}

export interface CallOutcome {
  code: status;
  details: string;
}

/** Calls `method` of `definition` with its empty request and resolves with the status it ended with. */
export function callMethod(
  address: string,
  security: GrpcClientSecurity,
  definition: ServiceDefinition,
  method: string,
): Promise<CallOutcome> {
  const descriptor = definition[method];
  if (!descriptor) throw new Error(`no method ${method}`);
  const client = new Client(address, security.credentials, security.channelOptions);
  const request: unknown = descriptor.requestDeserialize(Buffer.alloc(0));
  const options = { deadline: Date.now() + 5_000 };
  const done = (error: ServiceError | null): CallOutcome =>
    error ? { code: error.code, details: error.details } : { code: status.OK, details: '' };
  return new Promise<CallOutcome>((resolve) => {
    if (descriptor.responseStream) {
      const stream = client.makeServerStreamRequest(
        descriptor.path,
        descriptor.requestSerialize,
        descriptor.responseDeserialize,
        request,
        new Metadata(),
        options,
      );
      stream.on('data', () => undefined);
      stream.on('error', (error: ServiceError) => resolve(done(error)));
      stream.on('status', ({ code, details }: { code: status; details: string }) => {
        if (code === status.OK) resolve({ code, details });
      });
    } else {
      client.makeUnaryRequest(
        descriptor.path,
        descriptor.requestSerialize,
        descriptor.responseDeserialize,
        request,
        new Metadata(),
        options,
        (error) => resolve(done(error)),
      );
    }
  }).finally(() => client.close());
}
