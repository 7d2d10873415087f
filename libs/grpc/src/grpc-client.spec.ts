import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '@shop/errors';
import { EchoServiceClient, EchoServiceService, capturedLogger } from '../test/echo-service';
import {
  call,
  createClient,
  createGrpcServer,
  grpcService,
  grpcTarget,
  unary,
  waitUntilServing,
  type GrpcServer,
} from './index';

/** An echo server that says which replica it is and takes `delayMs` to answer. */
async function startReplica(name: string, delayMs = 0): Promise<{ server: GrpcServer; port: number }> {
  const { logger } = capturedLogger();
  const server = createGrpcServer({
    credentials: 'insecure',
    logger,
    services: [
      grpcService(EchoServiceService, {
        echo: unary(async ({ text }) => {
          await sleep(delayMs);
          return { text, servedBy: name };
        }, logger),
      }),
    ],
  });
  return { server, port: await server.listen('127.0.0.1', 0) };
}

describe('grpcTarget', () => {
  it.each([
    ['orders:50051', 'dns:///orders:50051'],
    ['127.0.0.1:50051', 'ipv4:127.0.0.1:50051'],
    ['127.0.0.1:50051, 127.0.0.1:50052', 'ipv4:127.0.0.1:50051,127.0.0.1:50052'],
    ['[::1]:50051,[::1]:50052', 'ipv6:[::1]:50051,[::1]:50052'],
    ['dns:///orders.shop.svc.cluster.local:50051', 'dns:///orders.shop.svc.cluster.local:50051'],
  ])('reads %s as the target %s', (address, target) => {
    expect(grpcTarget(address)).toBe(target);
  });

  it.each([['orders'], ['orders:0'], ['orders:50051,payments:50051'], ['127.0.0.1:1,[::1]:2'], ['']])(
    'refuses %j with a message that says what is expected',
    (address) => {
      expect(() => grpcTarget(address)).toThrow(/Invalid gRPC address/);
    },
  );
});

describe('createClient', () => {
  it('spreads calls over every replica in the address', async () => {
    const replicas = [await startReplica('a'), await startReplica('b')];
    const address = replicas.map(({ port }) => `127.0.0.1:${port}`).join(',');
    const client = createClient(EchoServiceClient, address, { deadlineMs: 2_000 });
    try {
      const servedBy = new Map<string, number>();
      for (let i = 0; i < 20; i += 1) {
        const { servedBy: name } = await call(client.echo.bind(client), { text: String(i) });
        servedBy.set(name, (servedBy.get(name) ?? 0) + 1);
      }
      expect([...servedBy.keys()].sort()).toEqual(['a', 'b']);
      expect(Math.min(...servedBy.values())).toBeGreaterThanOrEqual(5);
    } finally {
      client.close();
      await Promise.all(replicas.map(({ server }) => server.shutdown(1_000)));
    }
  });

  it('fails a call that outlives the default deadline with DEADLINE_EXCEEDED, unless the call sets its own', async () => {
    const { server, port } = await startReplica('slow', 300);
    const client = createClient(EchoServiceClient, `127.0.0.1:${port}`, { deadlineMs: 100 });
    try {
      const failed = await call(client.echo.bind(client), { text: 'late' }).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(AppError);
      expect(failed).toMatchObject({ code: 'DEADLINE_EXCEEDED', operational: true });

      await expect(
        call(client.echo.bind(client), { text: 'patient' }, { deadline: Date.now() + 2_000 }),
      ).resolves.toMatchObject({ text: 'patient' });
    } finally {
      client.close();
      await server.shutdown(1_000);
    }
  });

  it('turns a server that cannot be reached into UNAVAILABLE', async () => {
    const { server, port } = await startReplica('gone');
    await server.shutdown(0);
    const client = createClient(EchoServiceClient, `127.0.0.1:${port}`, { deadlineMs: 2_000 });
    try {
      await expect(call(client.echo.bind(client), { text: 'x' })).rejects.toMatchObject({
        code: 'UNAVAILABLE',
      });
    } finally {
      client.close();
    }
  });
});

describe('waitUntilServing', () => {
  it('resolves once the server reports SERVING', async () => {
    const { server, port } = await startReplica('starting');
    server.setServing(false);
    const ready = setTimeout(() => server.setServing(true), 300);
    try {
      const startedAt = Date.now();
      await waitUntilServing(`127.0.0.1:${port}`, 5_000);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(250);
    } finally {
      clearTimeout(ready);
      await server.shutdown(1_000);
    }
  });

  it('keeps trying while nothing listens yet, and resolves once a server starts', async () => {
    const { server: before, port } = await startReplica('before');
    await before.shutdown(0);
    let after: GrpcServer | undefined;
    const starting = sleep(500).then(async () => {
      after = createGrpcServer({ logger: capturedLogger().logger, services: [], credentials: 'insecure' });
      await after.listen('127.0.0.1', port);
    });
    try {
      await waitUntilServing(`127.0.0.1:${port}`, 5_000);
      expect(after).toBeDefined();
    } finally {
      await starting;
      await after?.shutdown(1_000);
    }
  });

  it('gives up with UNAVAILABLE when the server is still not serving after the timeout', async () => {
    const { server, port } = await startReplica('stuck');
    server.setServing(false);
    try {
      await expect(waitUntilServing(`127.0.0.1:${port}`, 300)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      await server.shutdown(1_000);
    }
  });
});
