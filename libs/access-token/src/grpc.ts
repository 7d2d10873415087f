import { Metadata, type ServerUnaryCall } from '@grpc/grpc-js';
import { unauthenticated } from '@shop/errors';
import type { UnaryHandler } from '@shop/grpc';
import { actingAs } from './acting-user';
import type { AccessTokenVerifier, VerifiedUser } from './verifier';

/** The metadata key, as HTTP names the header (gRPC metadata keys are lower case). */
export const AUTHORIZATION_KEY = 'authorization';

/** Call metadata that carries `accessToken` to a service acting for its user. */
export function bearerMetadata(accessToken: string): Metadata {
  const metadata = new Metadata();
  metadata.set(AUTHORIZATION_KEY, `Bearer ${accessToken}`);
  return metadata;
}

/** The verified user of a call's metadata; UNAUTHENTICATED without exactly one valid bearer token. */
export function userOfMetadata(verifier: AccessTokenVerifier, metadata: Metadata): VerifiedUser {
  const values = metadata.get(AUTHORIZATION_KEY);
  if (values.length > 1) throw unauthenticated('Send one authorization, not several');
  const [value] = values;
  if (value !== undefined && typeof value !== 'string') {
    throw unauthenticated('The authorization must be "Bearer <token>"');
  }
  return verifier.verifyAuthorization(value);
}

/**
 * A handler that acts for the end user of the call: the token in its metadata is verified before the
 * handler runs (a refusal is UNAUTHENTICATED, answered by `unary`), the handler gets the user, and calls
 * made while it runs can pass the token on (see `actingUser`).
 */
export function forUser<Request, Response>(
  verifier: AccessTokenVerifier,
  handler: (
    request: Request,
    user: VerifiedUser,
    call: ServerUnaryCall<Request, Response>,
  ) => Promise<Response>,
): UnaryHandler<Request, Response> {
  return async (request, call) => {
    const user = userOfMetadata(verifier, call.metadata);
    return actingAs(user, () => handler(request, user, call));
  };
}
