import { AppError, unauthenticated } from '@shop/errors';
import { createVerifier, TokenError } from 'fast-jwt';

/** The end user a verified access token speaks for, with the token itself to pass on to the next hop. */
export interface VerifiedUser {
  /** The token's `sub`. */
  userId: string;
  /** The token's `email` claim (the login email); undefined when the token has none. */
  email: string | undefined;
  /** The token as received, for calls made on this user's behalf. */
  accessToken: string;
}

export interface AccessTokenSettings {
  publicKeyPem: string;
  issuer: string;
  audience: string;
  /**
   * How many verified tokens to remember (fast-jwt's LRU cache), so a token that crosses several hops,
   * or comes back with every request of a session, has its signature checked once per process. An entry
   * never outlives the token's `exp`. 0 turns the cache off.
   */
  cacheSize?: number;
}

const DEFAULT_CACHE_SIZE = 1_000;
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Verifies the access tokens the users service signs: EdDSA only (a token that names another algorithm,
 * `none` included, is refused before its signature is looked at), our issuer and audience, an expiry,
 * and a subject, which is the user id. Every refusal is an UNAUTHENTICATED AppError.
 */
export function createAccessTokenVerifier(settings: AccessTokenSettings) {
  const cacheSize = settings.cacheSize ?? DEFAULT_CACHE_SIZE;
  const verifyJwt = createVerifier({
    key: settings.publicKeyPem,
    algorithms: ['EdDSA'],
    allowedIss: settings.issuer,
    allowedAud: settings.audience,
    requiredClaims: ['sub', 'exp'],
    ...(cacheSize > 0 ? { cache: cacheSize } : {}),
  });

  const verifyToken = (accessToken: string): VerifiedUser => {
    let claims: unknown;
    try {
      claims = verifyJwt(accessToken);
    } catch (error) {
      if (error instanceof TokenError && error.code === TokenError.codes.expired) {
        throw new AppError('UNAUTHENTICATED', 'The access token has expired', { cause: error });
      }
      throw new AppError('UNAUTHENTICATED', 'The access token is not valid', { cause: error });
    }
    const { sub, email } = claims as { sub?: unknown; email?: unknown };
    if (typeof sub !== 'string' || sub.length === 0) {
      throw unauthenticated('The access token is not valid');
    }
    return { userId: sub, email: typeof email === 'string' && email ? email : undefined, accessToken };
  };

  return {
    verifyToken,
    /** Verifies the value of an `authorization` header (HTTP) or metadata entry (gRPC). */
    verifyAuthorization(authorization: string | undefined): VerifiedUser {
      if (!authorization) throw unauthenticated('A bearer token is required');
      const token = BEARER.exec(authorization)?.[1];
      if (!token) throw unauthenticated('The authorization must be "Bearer <token>"');
      return verifyToken(token);
    },
  };
}

export type AccessTokenVerifier = ReturnType<typeof createAccessTokenVerifier>;
