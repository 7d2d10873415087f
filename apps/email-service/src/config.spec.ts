import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from '@shop/config';
import { emailConfigSchema } from './config';

// What every start needs besides the SMTP settings under test (the key verifies the callers' tokens).
const env = {
  PGUSER: 'email',
  PGDATABASE: 'email',
  KAFKA_BROKERS: 'k:9092',
  JWT_PUBLIC_KEY: generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
};

describe('email-service config', () => {
  it('needs an SMTP URL, and defaults the sender and the gRPC port', () => {
    expect(() => loadConfig(emailConfigSchema, env)).toThrow(/SMTP_URL/);
    const config = loadConfig(emailConfigSchema, { ...env, SMTP_URL: 'smtp://127.0.0.1:1025' });
    expect(config).toMatchObject({ GRPC_PORT: 50054, MAIL_FROM: '"Shop" <no-reply@shop.example>' });
  });

  it('refuses an SMTP URL of another scheme and a sender that is not an address', () => {
    expect.assertions(3);
    try {
      loadConfig(emailConfigSchema, { ...env, SMTP_URL: 'http://mail:1025', MAIL_FROM: 'Shop' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toMatch(/SMTP_URL/);
      expect((error as ConfigError).message).toMatch(/MAIL_FROM/);
    }
  });
});
