import { pemKey, positiveInt, z } from '@shop/config';

/** How the module signs access tokens, the same in every app that runs it (see AccessTokenSettings). */
export const accessTokenSigningEnv = {
  JWT_PRIVATE_KEY: pemKey('Ed25519 private key (PKCS#8 PEM) that signs access tokens.'),
  JWT_ISSUER: z.string().default('shop-users').describe('`iss` of the access tokens.'),
  JWT_AUDIENCE: z.string().default('shop-api').describe('`aud` of the access tokens.'),
  JWT_TTL_SECONDS: positiveInt('Lifetime of an access token.', 900),
};
