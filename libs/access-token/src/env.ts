import { pemKey, z } from '@shop/config';

/** What an app that verifies access tokens is configured with; the names the users service signs with. */
export const accessTokenEnv = {
  JWT_PUBLIC_KEY: pemKey('Ed25519 public key (SPKI PEM) that verifies access tokens.'),
  JWT_ISSUER: z.string().default('shop-users').describe('Required `iss` of access tokens.'),
  JWT_AUDIENCE: z.string().default('shop-api').describe('Required `aud` of access tokens.'),
};

/** The verifier settings from a config that spreads `accessTokenEnv`. */
export const accessTokenSettings = (config: {
  JWT_PUBLIC_KEY: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
}) => ({ publicKeyPem: config.JWT_PUBLIC_KEY, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
