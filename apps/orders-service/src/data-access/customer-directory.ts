import { actingUser, bearerMetadata } from '@shop/access-token';
import type { ChannelCredentials, ChannelOptions } from '@grpc/grpc-js';
import { usersV1 } from '@shop/contracts';
import { AppError, isAppError, unavailable } from '@shop/errors';
import { call, createClient } from '@shop/grpc';
import type { Customer, CustomerDirectory } from '@shop/orders-module';

export interface UsersClientOptions {
  address: string;
  deadlineMs: number;
  /** The orders service's workload identity (mutual TLS), or plaintext where the config chose it. */
  credentials: ChannelCredentials;
  /** What the credentials need of the channel (the TLS server name). */
  channelOptions?: ChannelOptions;
}

// A peer that is down or overloaded: the caller may try again later (the gateway answers 503).
const PEER_UNAVAILABLE = new Set(['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'RESOURCE_EXHAUSTED']);

/**
 * GetUser answers for the user of the access token it is called with: the token of the call being
 * served, set by the gRPC entry point, passed on as it came.
 */
function forActingUser() {
  const user = actingUser();
  if (!user) {
    throw new AppError('INTERNAL', 'A customer was looked up outside a call made for a user', {
      operational: false,
    });
  }
  return { metadata: bearerMetadata(user.accessToken) };
}

/**
 * The customers of orders are the users service's users, read over gRPC (GetUser) with a deadline.
 * Close it after the server that uses it has drained.
 */
export function createUsersCustomerDirectory(options: UsersClientOptions): CustomerDirectory & {
  close(): void;
} {
  const client = createClient(usersV1.UsersServiceClient, options.address, {
    deadlineMs: options.deadlineMs,
    credentials: options.credentials,
    ...(options.channelOptions && { channelOptions: options.channelOptions }),
  });
  return {
    async find(userId: string): Promise<Customer | undefined> {
      const asCaller = forActingUser();
      try {
        const { user } = await call(client.getUser.bind(client), { id: userId }, asCaller);
        if (!user) throw new AppError('INTERNAL', 'GetUser answered without a user', { operational: false });
        return { email: user.email, name: user.name };
      } catch (error) {
        if (!isAppError(error)) throw error;
        if (error.code === 'NOT_FOUND') return undefined;
        if (PEER_UNAVAILABLE.has(error.code)) {
          throw unavailable('The users service is unavailable; try again later', error);
        }
        // Anything else is a fault between the two services, not the caller's: it must not pass as theirs.
        throw new AppError('INTERNAL', `GetUser failed: ${error.code} ${error.message}`, {
          cause: error,
          operational: false,
        });
      }
    },
    close: () => client.close(),
  };
}
