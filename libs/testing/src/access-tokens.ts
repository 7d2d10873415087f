import { createSigner } from 'fast-jwt';
import { testSigningKeys } from './keys';

export interface TestTokenClaims {
  email?: string;
  iss?: string;
  aud?: string;
}

export interface TestTokenOptions {
  /** Signs with this key instead of the pair's own: a forgery to the verifier. */
  privateKeyPem?: string;
  expiresInMs?: number;
  /** Signs as if now were this instant (ms since the epoch). */
  clockTimestamp?: number;
}

/**
 * Access tokens as the users service signs them (EdDSA, `sub`, `email`, `iss` shop-users, `aud`
 * shop-api), from a fresh key pair whose public half a service under test is given as JWT_PUBLIC_KEY.
 */
export function testAccessTokens(keys = testSigningKeys()) {
  const sign = (sub: string, claims: TestTokenClaims = {}, options: TestTokenOptions = {}): string =>
    createSigner({
      key: options.privateKeyPem ?? keys.privateKeyPem,
      algorithm: 'EdDSA',
      expiresIn: options.expiresInMs ?? 60_000,
      ...(options.clockTimestamp === undefined ? {} : { clockTimestamp: options.clockTimestamp }),
    })({ sub, email: `${sub}@example.com`, iss: 'shop-users', aud: 'shop-api', ...claims });

  return {
    ...keys,
    /** A valid token for `sub`. */
    sign,
    /** The same claims signed by another key. */
    forged: (sub: string) => sign(sub, {}, { privateKeyPem: testSigningKeys().privateKeyPem }),
    /** A token that expired a minute ago. */
    expired: (sub: string) => sign(sub, {}, { clockTimestamp: Date.now() - 120_000, expiresInMs: 60_000 }),
    /** A token meant for another audience. */
    wrongAudience: (sub: string) => sign(sub, { aud: 'another-api' }),
  };
}

export type TestAccessTokens = ReturnType<typeof testAccessTokens>;
