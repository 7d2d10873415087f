import { ConfigError, describeConfig, kafkaEnv, loadConfig, postgresEnv, z } from './index';

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
