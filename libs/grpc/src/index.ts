export { MAX_MESSAGE_BYTES, clientChannelOptions, serverChannelOptions } from './channel-options';
export { call, toAppError, type UnaryCallOptions, type UnaryMethod } from './call';
export { ERROR_DOMAIN, STATUS_DETAILS_KEY, statusDetailsMetadata } from './error-details';
export {
  createClient,
  defaultDeadline,
  type CreateClientOptions,
  type GrpcClientConstructor,
} from './grpc-client';
export {
  createGrpcServer,
  grpcService,
  type GrpcServer,
  type GrpcServerOptions,
  type GrpcService,
  type ImplementationOf,
} from './grpc-server';
export { grpcTarget } from './grpc-target';
export {
  HealthClient,
  waitUntilServing,
  type HealthCheckRequest,
  type HealthCheckResponse,
} from './health-client';
export { serviceFullName } from './service-name';
export { unary, type UnaryHandler } from './unary';
