/** What both ends of the minimal chain read at start: their environment, TLS files and token verifier. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createVerifier } from 'fast-jwt';

export const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

/** A file of the workload's MINIMAL_TLS_DIR (tls.crt, tls.key, ca.crt). */
export const readTls = (name: string): Buffer => readFileSync(join(env('MINIMAL_TLS_DIR'), name));

/** The access token check both ends make, as the shop's verifier makes it (EdDSA, issuer, audience, cached). */
export const verify = createVerifier({
  key: env('MINIMAL_JWT_PUBLIC_KEY'),
  algorithms: ['EdDSA'],
  allowedIss: 'shop-users',
  allowedAud: 'shop-api',
  requiredClaims: ['sub', 'exp'],
  cache: 1_000,
});
