import {
  credentials as channelCredentials,
  InterceptingCall,
  type ChannelCredentials,
  type ChannelOptions,
  type Client,
  type ClientOptions,
  type Interceptor,
} from '@grpc/grpc-js';
import { clientChannelOptions } from './channel-options';
import { grpcTarget } from './grpc-target';

/** What ts-proto's `XxxServiceClient` (made with makeGenericClientConstructor) is. */
export type GrpcClientConstructor<C extends Client> = new (
  address: string,
  credentials: ChannelCredentials,
  options?: Partial<ClientOptions>,
) => C;

export interface CreateClientOptions {
  /** Every call without a deadline of its own gets this one, so a stuck server cannot hold callers forever. */
  deadlineMs: number;
  /**
   * The channel's credentials: mutual TLS with the caller's workload certificate (see
   * libs/service-identity). Plaintext when omitted, which only a server listening in plaintext accepts.
   */
  credentials?: ChannelCredentials;
  /** Overrides of the defaults in channel-options.ts. */
  channelOptions?: ChannelOptions;
}

/**
 * A client for `address` (see grpc-target.ts) that spreads calls over every replica (round_robin) and
 * applies a default deadline. Close it with `client.close()` when done.
 */
export function createClient<C extends Client>(
  Client: GrpcClientConstructor<C>,
  address: string,
  options: CreateClientOptions,
): C {
  return new Client(grpcTarget(address), options.credentials ?? channelCredentials.createInsecure(), {
    ...clientChannelOptions,
    ...options.channelOptions,
    interceptors: [defaultDeadline(options.deadlineMs)],
  });
}

/**
 * Sets a deadline on calls made without one. A caller that really wants none (a long-lived stream)
 * passes `deadline: Infinity`, which counts as set.
 */
export function defaultDeadline(deadlineMs: number): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(
      nextCall(options.deadline === undefined ? { ...options, deadline: Date.now() + deadlineMs } : options),
    );
}
