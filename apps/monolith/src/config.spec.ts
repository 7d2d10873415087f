import { ConfigError, loadConfig } from '@shop/config';
import { testSigningKeys } from '@shop/testing';
import { monolithConfigSchema } from './config';
import { moduleSchemaOf } from './module-databases';

const required = {
  JWT_PRIVATE_KEY: testSigningKeys().privateKeyPem,
  SMTP_URL: 'smtp://127.0.0.1:1025',
};

describe('monolith config', () => {
  it('reads DATABASE_URL as the admin connection to the shared database', () => {
    const config = loadConfig(monolithConfigSchema, {
      ...required,
      DATABASE_URL: 'postgres://shop:s%40cret@db.internal:5433/shop',
    });
    expect(config.DATABASE_URL).toEqual({
      host: 'db.internal',
      port: 5433,
      user: 'shop',
      password: 's@cret',
      database: 'shop',
    });
    expect(config.GATEWAY_PORT).toBe(8080);
  });

  it('gives each module its schema and a role of its own, named after the database', () => {
    const config = loadConfig(monolithConfigSchema, {
      ...required,
      DATABASE_URL: 'postgresql://postgres@127.0.0.1/shop',
      ORDERS_DB_PASSWORD: 'orders-secret',
    });
    expect(config.DATABASE_URL).toMatchObject({ port: 5432, password: undefined });
    expect(moduleSchemaOf(config, 'orders')).toEqual({
      database: 'shop',
      schema: 'orders',
      role: 'shop_orders',
      password: 'orders-secret',
    });
    expect(moduleSchemaOf(config, 'users').password).toBeUndefined();
  });

  it.each([
    ['not a URL', 'shop'],
    ['another scheme', 'mysql://shop@127.0.0.1/shop'],
    ['no database', 'postgres://shop@127.0.0.1'],
    ['no user', 'postgres://127.0.0.1/shop'],
  ])('refuses a DATABASE_URL with %s, naming the variable', (_label, url) => {
    expect(() => loadConfig(monolithConfigSchema, { ...required, DATABASE_URL: url })).toThrow(ConfigError);
    expect(() => loadConfig(monolithConfigSchema, { ...required, DATABASE_URL: url })).toThrow(
      /DATABASE_URL/,
    );
  });
});
