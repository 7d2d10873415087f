import { createAccessTokenVerifier } from '@shop/access-token';
import { AppError } from '@shop/errors';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Caller } from '../ports';

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

/**
 * Adds `request.caller` and returns the `onRequest` hook that authenticated routes use. It runs before
 * the body is read, so a request without a valid token is refused without parsing or validating it.
 */
export function registerAuth(app: FastifyInstance, settings: AuthSettings): onRequestHookHandler {
  const verifier = createAccessTokenVerifier(settings);
  app.decorateRequest('caller', null);
  return function authenticate(request, _reply, done) {
    try {
      request.caller = verifier.verifyAuthorization(request.headers.authorization);
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
