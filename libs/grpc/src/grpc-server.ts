import {
  Server,
  ServerCredentials,
  type ChannelOptions,
  type handleBidiStreamingCall,
  type handleClientStreamingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type ServerInterceptor,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import type { Logger } from '@shop/logger';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import { serverChannelOptions } from './channel-options';
import { serviceFullName } from './service-name';

/** A service definition (ts-proto's `XxxServiceService`) with the handlers that implement it. */
export interface GrpcService {
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

type RequestOf<Method> = Method extends { requestDeserialize: (bytes: Buffer) => infer Request }
  ? Request
  : never;
type ResponseOf<Method> = Method extends { responseSerialize: (value: infer Response) => Buffer }
  ? Response
  : never;
type HandlerOf<Method> = Method extends { requestStream: true; responseStream: true }
  ? handleBidiStreamingCall<RequestOf<Method>, ResponseOf<Method>>
  : Method extends { requestStream: true }
    ? handleClientStreamingCall<RequestOf<Method>, ResponseOf<Method>>
    : Method extends { responseStream: true }
      ? handleServerStreamingCall<RequestOf<Method>, ResponseOf<Method>>
      : handleUnaryCall<RequestOf<Method>, ResponseOf<Method>>;

/**
 * The handlers a definition needs, typed from the definition itself (ts-proto marks its streaming
 * flags `as const`), so that `grpcService(XxxServiceService, { get: unary(async (request) => ...) })`
 * types `request` without naming `XxxServiceServer`. Generated server interfaces fit it too.
 */
export type ImplementationOf<Definition extends ServiceDefinition> = {
  [Name in keyof Definition]: HandlerOf<Definition[Name]>;
};

/** Pairs a definition with its implementation so that the compiler checks one against the other. */
export function grpcService<Definition extends ServiceDefinition>(
  definition: Definition,
  implementation: ImplementationOf<Definition>,
): GrpcService {
  return { definition, implementation };
}

export interface GrpcServerOptions {
  services: readonly GrpcService[];
  logger: Logger;
  /**
   * A binary google.protobuf.FileDescriptorSet of the served contracts. When given, the server answers
   * the reflection protocol (v1 and v1alpha), so grpcurl and similar tools need no .proto files.
   */
  reflection?: Buffer;
  /** Overrides of the defaults in channel-options.ts. */
  channelOptions?: ChannelOptions;
  /**
   * How the main port authenticates callers: mutual TLS credentials, or `'insecure'` for plaintext,
   * chosen by the app (never a silent default).
   */
  credentials: ServerCredentials | 'insecure';
  /** Run around every call on the main port, in order (authorisation, say). */
  interceptors?: ServerInterceptor[];
  /**
   * A second, plaintext port serving only grpc.health.v1 with the same statuses, for probes that cannot
   * present a client certificate (kubelet, a container HEALTHCHECK). Bound on the same host by `listen`.
   */
  probePort?: number | undefined;
}

export interface GrpcServer {
  /** Binds and starts serving; resolves with the bound port, which is how port 0 tells what it got. */
  listen(host: string, port: number): Promise<number>;
  /** The probe port as bound (port 0 picks one), once `listen` resolved; undefined without one. */
  probePort(): number | undefined;
  /** Sets the health status of the server ('') and of every service it serves. */
  setServing(serving: boolean): void;
  /**
   * Reports NOT_SERVING, stops accepting calls and waits for the ones in flight to finish; whatever is
   * still running after `graceMs` is cancelled. Open health Watch streams count as in flight.
   */
  shutdown(graceMs: number): Promise<void>;
}

/** The one way apps build a gRPC server: their services plus health checking and, optionally, reflection. */
export function createGrpcServer(options: GrpcServerOptions): GrpcServer {
  const { logger } = options;
  const channelOptions = { ...serverChannelOptions, ...options.channelOptions };
  const server = new Server({ ...channelOptions, interceptors: options.interceptors ?? [] });
  const serviceNames = options.services.map((service) => serviceFullName(service.definition));
  for (const service of options.services) server.addService(service.definition, service.implementation);

  // '' is the whole server: what a load balancer or Kubernetes' grpc probe asks about by default.
  const health = new HealthImplementation();
  const setStatus = (status: ServingStatus): void => {
    for (const name of ['', ...serviceNames]) health.setStatus(name, status);
  };
  setStatus('SERVING');
  health.addToServer(server);
  // The probe server shares the health state, so both ports always report the same status.
  const probe = options.probePort === undefined ? undefined : new Server(channelOptions);
  if (probe) health.addToServer(probe);
  let boundProbePort: number | undefined;

  if (options.reflection) {
    new ReflectionService(loadFileDescriptorSetFromBuffer(options.reflection)).addToServer(server);
  }

  let shuttingDown = false;

  return {
    listen: async (host, port) => {
      const credentials =
        options.credentials === 'insecure' ? ServerCredentials.createInsecure() : options.credentials;
      const boundPort = await bind(server, host, port, credentials);
      logger.info(
        { port: boundPort, services: serviceNames, tls: options.credentials !== 'insecure' },
        'gRPC server listening',
      );
      if (probe && options.probePort !== undefined) {
        boundProbePort = await bind(probe, host, options.probePort, ServerCredentials.createInsecure());
        logger.info({ port: boundProbePort }, 'gRPC health probe port listening (plaintext, health only)');
      }
      return boundPort;
    },

    probePort: () => boundProbePort,

    setServing: (serving) => {
      // Once shutting down, nothing may report the server healthy again.
      if (!shuttingDown) setStatus(serving ? 'SERVING' : 'NOT_SERVING');
    },

    shutdown: (graceMs) => {
      shuttingDown = true;
      setStatus('NOT_SERVING');
      return new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          logger.warn({ graceMs }, 'gRPC calls still running after the grace period; cancelling them');
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          logger.info('gRPC server stopped');
          resolve();
        });
        // Probes have nothing to drain; they only need to see NOT_SERVING, which they did above.
        probe?.forceShutdown();
      });
    },
  };
}

function bind(server: Server, host: string, port: number, credentials: ServerCredentials): Promise<number> {
  const address = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    );
  });
}
