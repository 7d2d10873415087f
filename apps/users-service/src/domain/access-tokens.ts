import { createSigner } from 'fast-jwt';

export interface AccessTokenSettings {
  privateKeyPem: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface AccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresInSeconds: number;
}

/**
 * Signs short-lived access tokens with an asymmetric key (EdDSA): only this service holds the private
 * key, the gateway verifies with the public one.
 */
export function createAccessTokenIssuer(settings: AccessTokenSettings) {
  const sign = createSigner({
    key: settings.privateKeyPem,
    algorithm: 'EdDSA',
    iss: settings.issuer,
    aud: settings.audience,
    expiresIn: settings.ttlSeconds * 1000,
  });
  return {
    issue(user: { id: string; email: string }): AccessToken {
      return {
        accessToken: sign({ sub: user.id, email: user.email }),
        tokenType: 'Bearer',
        expiresInSeconds: settings.ttlSeconds,
      };
    },
  };
}

export type AccessTokenIssuer = ReturnType<typeof createAccessTokenIssuer>;
