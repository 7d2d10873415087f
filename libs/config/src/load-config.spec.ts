import {
  ConfigError,
  describeConfig,
  grpcTransportEnv,
  grpcTransportOf,
  kafkaEnv,
  loadConfig,
  postgresEnv,
  z,
} from './index';

const schema = z.object({ ...postgresEnv, ...kafkaEnv });

describe('loadConfig', () => {
  it('parses, coerces and applies defaults', () => {
    const config = loadConfig(schema, {
      PGUSER: 'orders',
      PGDATABASE: 'orders',
      PGPORT: '6543',
      KAFKA_BROKERS: 'a:9092, b:9092',
    });
    expect(config).toMatchObject({ PGHOST: '127.0.0.1', PGPORT: 6543, PG_POOL_MAX: 10 });
    expect(config.KAFKA_BROKERS).toEqual(['a:9092', 'b:9092']);
  });

  it('reports every problem at once, by variable name', () => {
    expect.assertions(4);
    try {
      loadConfig(schema, { PGPORT: 'not-a-port', PGDATABASE: '' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toMatch(/PGPORT: /);
      expect(message).toMatch(/PGUSER: /);
      expect(message).toMatch(/KAFKA_BROKERS: /);
    }
  });

  it('treats empty strings as unset so that defaults apply', () => {
    expect(
      loadConfig(schema, { PGUSER: 'u', PGDATABASE: 'd', PGHOST: '', KAFKA_BROKERS: 'k:1' }).PGHOST,
    ).toBe('127.0.0.1');
  });

  it('describes the environment contract of a schema', () => {
    const described = describeConfig(schema);
    expect(described.find((v) => v.name === 'PGUSER')).toMatchObject({ required: true });
    expect(described.find((v) => v.name === 'PGHOST')).toMatchObject({ required: false });
    expect(described.every((v) => v.description.length > 0)).toBe(true);
  });
});

describe('grpcTransportOf', () => {
  const schema = z.object(grpcTransportEnv);

  it('chooses mutual TLS when GRPC_TLS_DIR is set, whatever GRPC_INSECURE says', () => {
    expect(
      grpcTransportOf(loadConfig(schema, { GRPC_TLS_DIR: '/etc/shop/tls', GRPC_INSECURE: 'true' })),
    ).toEqual({
      kind: 'mtls',
      tlsDir: '/etc/shop/tls',
    });
  });

  it('chooses plaintext only when GRPC_INSECURE=true, with a warning to log', () => {
    const transport = grpcTransportOf(loadConfig(schema, { GRPC_INSECURE: 'true' }));
    expect(transport.kind).toBe('insecure');
    expect(transport.kind === 'insecure' && transport.warning).toMatch(/without TLS/);
  });

  it.each([[{}], [{ GRPC_INSECURE: 'false' }]])(
    'refuses %j with a config error naming both variables',
    (env) => {
      const choose = () => grpcTransportOf(loadConfig(schema, env));
      expect(choose).toThrow(ConfigError);
      expect(choose).toThrow(/GRPC_TLS_DIR.*GRPC_INSECURE=true/s);
    },
  );

  it('accepts only true or false for GRPC_INSECURE', () => {
    expect(() => loadConfig(schema, { GRPC_INSECURE: 'yes' })).toThrow(/GRPC_INSECURE/);
  });
});
