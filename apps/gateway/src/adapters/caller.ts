import { bearerMetadata } from '@shop/access-token';
import type { UnaryCallOptions } from '@shop/grpc';
import type { Caller } from '@shop/shop-api';

/** Options for a gRPC call made for the caller: their access token travels in the metadata. */
export function asCaller(caller: Caller): UnaryCallOptions {
  return { metadata: bearerMetadata(caller.accessToken) };
}
