import { Writable } from 'node:stream';
import { createLogger } from './index';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const lines = (): Record<string, unknown>[] =>
    chunks
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines };
}

describe('logger', () => {
  it('writes one JSON object per line with the service name, the level as a word and an ISO time', () => {
    const { stream, lines } = capture();
    createLogger({ service: 'orders-service', destination: stream }).info({ orderId: 'o1' }, 'order created');
    const [line] = lines();
    expect(line).toMatchObject({
      service: 'orders-service',
      level: 'info',
      orderId: 'o1',
      msg: 'order created',
    });
    expect(new Date(String(line?.['time'])).toISOString()).toBe(line?.['time']);
  });

  it('never writes a password', () => {
    const { stream, lines } = capture();
    createLogger({ service: 'users-service', destination: stream }).info(
      { password: 'hunter22' },
      'register',
    );
    expect(JSON.stringify(lines())).not.toContain('hunter22');
  });
});
