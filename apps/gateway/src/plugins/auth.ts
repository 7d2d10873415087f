import { AppError, unauthenticated } from '@shop/errors';
import { createVerifier, TokenError } from 'fast-jwt';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';

/** Who made an authenticated request. */
export interface Caller {
  userId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate` on routes that require a bearer token; null elsewhere. */
    caller: Caller | null;
  }
}

export interface AuthSettings {
  publicKeyPem: string;
  issuer: string;
  audience: string;
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Verifies the access tokens the users service signs: EdDSA only (a token that names another algorithm,
 * `none` included, is refused before its signature is looked at), our issuer and audience, an expiry,
 * and a subject, which is the user id.
 */
export function createTokenVerifier(settings: AuthSettings) {
  const verify = createVerifier({
    key: settings.publicKeyPem,
    algorithms: ['EdDSA'],
    allowedIss: settings.issuer,
    allowedAud: settings.audience,
    requiredClaims: ['sub', 'exp'],
  });

  return (authorization: string | undefined): Caller => {
    if (!authorization) throw unauthenticated('A bearer token is required');
    const token = BEARER.exec(authorization)?.[1];
    if (!token) throw unauthenticated('The Authorization header must be "Bearer <token>"');
    let claims: unknown;
    try {
      claims = verify(token);
    } catch (error) {
      if (error instanceof TokenError && error.code === TokenError.codes.expired) {
        throw new AppError('UNAUTHENTICATED', 'The access token has expired', { cause: error });
      }
      throw new AppError('UNAUTHENTICATED', 'The access token is not valid', { cause: error });
    }
    const { sub } = claims as { sub?: unknown };
    if (typeof sub !== 'string' || sub.length === 0) {
      throw unauthenticated('The access token is not valid');
    }
    return { userId: sub };
  };
}

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;

/**
 * Adds `request.caller` and returns the `onRequest` hook that authenticated routes use. It runs before
 * the body is read, so a request without a valid token is refused without parsing or validating it.
 */
export function registerAuth(app: FastifyInstance, settings: AuthSettings): onRequestHookHandler {
  const verify = createTokenVerifier(settings);
  app.decorateRequest('caller', null);
  return function authenticate(request, _reply, done) {
    try {
      request.caller = verify(request.headers.authorization);
      done();
    } catch (error) {
      done(error as Error);
    }
  };
}

export type Authenticate = ReturnType<typeof registerAuth>;

/** The caller of a route that uses `authenticate`; a route that forgot the hook fails loudly. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) {
    const route = request.routeOptions.url ?? request.url;
    throw new AppError('INTERNAL', `${route} reads the caller without authenticating`, {
      operational: false,
    });
  }
  return request.caller;
}
