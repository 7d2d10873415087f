import {
  Server,
  ServerCredentials,
  type ChannelOptions,
  type handleBidiStreamingCall,
  type handleClientStreamingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
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
}

export interface GrpcServer {
  /** Binds and starts serving; resolves with the bound port, which is how port 0 tells what it got. */
  listen(host: string, port: number): Promise<number>;
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
  const server = new Server({ ...serverChannelOptions, ...options.channelOptions });
  const serviceNames = options.services.map((service) => serviceFullName(service.definition));
  for (const service of options.services) server.addService(service.definition, service.implementation);

  // '' is the whole server: what a load balancer or Kubernetes' grpc probe asks about by default.
  const health = new HealthImplementation();
  const setStatus = (status: ServingStatus): void => {
    for (const name of ['', ...serviceNames]) health.setStatus(name, status);
  };
  setStatus('SERVING');
  health.addToServer(server);

  if (options.reflection) {
    new ReflectionService(loadFileDescriptorSetFromBuffer(options.reflection)).addToServer(server);
  }

  let shuttingDown = false;

  return {
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        const address = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
        server.bindAsync(address, ServerCredentials.createInsecure(), (error, boundPort) => {
          if (error) return reject(error);
          logger.info({ address, port: boundPort, services: serviceNames }, 'gRPC server listening');
          resolve(boundPort);
        });
      }),

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
      });
    },
  };
}
