import { createSigner } from 'fast-jwt';
import type { AccessTokenIssuer } from '../domain/user';

/** How the module signs access tokens: its private key and the claims every token carries. */
export interface AccessTokenSettings {
  /** Ed25519 private key, PKCS#8 PEM. */
  privateKeyPem: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/**
 * Signs short-lived access tokens with an asymmetric key (EdDSA): only the users module holds the
 * private key, the gateway and the other services verify with the public one.
 */
export function createAccessTokenIssuer(settings: AccessTokenSettings): AccessTokenIssuer {
  const sign = createSigner({
    key: settings.privateKeyPem,
    algorithm: 'EdDSA',
    iss: settings.issuer,
    aud: settings.audience,
    expiresIn: settings.ttlSeconds * 1000,
  });
  return {
    issue(user) {
      return {
        accessToken: sign({ sub: user.id, email: user.email }),
        tokenType: 'Bearer',
        expiresInSeconds: settings.ttlSeconds,
      };
    },
  };
}
