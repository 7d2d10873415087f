import { generateKeyPairSync } from 'node:crypto';

/** A fresh Ed25519 key pair in PEM, as the users service signs and the gateway verifies tokens. */
export function testSigningKeys(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
