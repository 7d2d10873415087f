import { createServer, type Server } from 'node:net';
import { freePort } from '@shop/testing';
import { assertPortsFree } from './port-check';
import { portHolders } from './port-holders';

describe('assertPortsFree', () => {
  let server: Server;
  let taken: number;

  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    taken = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('passes when every port is free', async () => {
    await expect(assertPortsFree([{ port: await freePort(), owner: 'gateway#1' }])).resolves.toBeUndefined();
  });

  it('names the taken port, what it was for and the process that holds it', async () => {
    const free = await freePort();
    const check = assertPortsFree([
      { port: free, owner: 'gateway#1' },
      { port: taken, owner: 'orders-service#2' },
    ]);
    await expect(check).rejects.toThrow(
      new RegExp(
        `^Cannot start the stack: a port it needs is not free\\.\\n  port ${taken} \\(orders-service#2\\) is taken by pid ${process.pid}: \\S*node`,
      ),
    );
    await expect(check).rejects.not.toThrow(`port ${free}`);
  });

  it('finds the holder from /proc', () => {
    const holders = portHolders(taken);
    expect(holders.map((holder) => holder.pid)).toEqual([process.pid]);
    expect(holders[0]?.command).toContain(process.argv[1]);
  });
});
