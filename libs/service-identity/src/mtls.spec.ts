import {
  credentials,
  makeGenericClientConstructor,
  status,
  type ChannelCredentials,
  type Client,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { ConfigError } from '@shop/config';
import {
  HealthClient,
  call,
  type GrpcClientConstructor,
  type UnaryMethod,
  createClient,
  createGrpcServer,
  waitUntilServing,
  type GrpcServer,
  type HealthCheckResponse,
} from '@shop/grpc';
import { createLogger } from '@shop/logger';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  callersOf,
  grpcClientSecurity,
  grpcServerSecurity,
  issueCertificates,
  mtlsChannelCredentials,
  mtlsClientSecurity,
  readTlsDir,
  type TlsMaterial,
  type Workload,
} from './index';

/** A two-method service with JSON serialisers, so that no generated code is needed. */
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const parse = (bytes: Buffer): { text: string } => JSON.parse(bytes.toString()) as { text: string };
const method = (path: string) => ({
  path,
  requestStream: false as const,
  responseStream: false as const,
  requestSerialize: json,
  requestDeserialize: parse,
  responseSerialize: json,
  responseDeserialize: parse,
});
const PingService = {
  ping: method('/test.v1.PingService/Ping'),
  secret: method('/test.v1.PingService/Secret'),
} satisfies ServiceDefinition;
/** Served, but in no caller table: refused to everyone. */
const ForgottenService = { poke: method('/test.v1.ForgottenService/Poke') } satisfies ServiceDefinition;

type Text = { text: string };
interface PingClient extends Client {
  ping: UnaryMethod<Text, Text>;
  secret: UnaryMethod<Text, Text>;
}
interface ForgottenClient extends Client {
  poke: UnaryMethod<Text, Text>;
}
const PingClient = makeGenericClientConstructor(
  PingService,
  'PingService',
) as unknown as GrpcClientConstructor<PingClient>;
const ForgottenClient = makeGenericClientConstructor(
  ForgottenService,
  'ForgottenService',
) as unknown as GrpcClientConstructor<ForgottenClient>;

const echo = (
  call: { request: { text: string } },
  callback: (error: null, response: { text: string }) => void,
) => callback(null, { text: call.request.text });

interface Logged {
  level: string;
  msg: string;
  caller?: string | null;
  method?: string;
}

describe('gRPC mutual TLS and the caller tables', () => {
  let dir: string;
  let logged: Logged[];
  let server: GrpcServer;
  let address: string;
  let probeAddress: string;
  const ours = (workload: string): TlsMaterial => readTlsDir(join(dir, 'ours', workload));
  const foreign = (workload: string): TlsMaterial => readTlsDir(join(dir, 'foreign', workload));

  /** One unary call to a PingService method with the given channel credentials. */
  const ping = async (channel: ChannelCredentials, name: 'ping' | 'secret' = 'ping') => {
    const client = createClient(PingClient, address, { deadlineMs: 5_000, credentials: channel });
    try {
      return await call(client[name].bind(client), { text: 'hello' });
    } finally {
      client.close();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mtls-spec-'));
    const names = ['gateway', 'users-service', 'orders-service', 'intruder'];
    await issueCertificates({ outDir: join(dir, 'ours'), caDir: join(dir, 'ca'), workloads: names });
    await issueCertificates({
      outDir: join(dir, 'foreign'),
      caDir: join(dir, 'foreign-ca'),
      workloads: names,
    });

    logged = [];
    const logger = createLogger({ service: 'users-service', level: 'info', destination: capture(logged) });
    server = createGrpcServer({
      services: [
        { definition: PingService, implementation: { ping: echo, secret: echo } },
        { definition: ForgottenService, implementation: { poke: echo } },
      ],
      logger,
      probePort: 0,
      ...grpcServerSecurity(
        { GRPC_TLS_DIR: join(dir, 'ours', 'users-service'), GRPC_INSECURE: false },
        [callersOf(PingService, { ping: ['gateway', 'orders-service'], secret: ['gateway'] })],
        logger,
      ),
    });
    address = `127.0.0.1:${await server.listen('127.0.0.1', 0)}`;
    probeAddress = `127.0.0.1:${server.probePort()}`;
  });

  afterAll(async () => {
    await server.shutdown(1_000);
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a caller the table allows, authenticated by its certificate', async () => {
    await expect(ping(mtlsChannelCredentials(ours('gateway'), 'users-service'))).resolves.toEqual({
      text: 'hello',
    });
    await expect(ping(mtlsChannelCredentials(ours('orders-service'), 'users-service'))).resolves.toEqual({
      text: 'hello',
    });
  });

  it('connects as an app does from its config: its GRPC_TLS_DIR, the peer checked by workload', async () => {
    const logger = createLogger({ service: 'orders-service', level: 'silent' });
    const asOrders = (server: Workload) =>
      grpcClientSecurity(
        { GRPC_TLS_DIR: join(dir, 'ours', 'orders-service'), GRPC_INSECURE: false },
        server,
        logger,
      );
    const reach = async (server: Workload) => {
      const client = createClient(PingClient, address, { deadlineMs: 5_000, ...asOrders(server) });
      try {
        return await call(client.ping.bind(client), { text: 'as configured' });
      } finally {
        client.close();
      }
    };
    expect(asOrders('users-service').channelOptions).toEqual({
      'grpc.ssl_target_name_override': 'users-service',
    });
    await expect(reach('users-service')).resolves.toEqual({ text: 'as configured' });
    await expect(reach('payments-service')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('refuses a workload the table does not list with PERMISSION_DENIED, and logs who called what', async () => {
    const refused = await ping(
      mtlsChannelCredentials(ours('orders-service'), 'users-service'),
      'secret',
    ).catch((error: unknown) => error);
    expect(refused).toMatchObject({
      code: 'PERMISSION_DENIED',
      message: 'orders-service may not call /test.v1.PingService/Secret',
    });
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        caller: 'orders-service',
        method: '/test.v1.PingService/Secret',
        msg: 'gRPC call refused: caller not allowed',
      }),
    );
  });

  it('refuses a certificate of our CA whose workload no table lists, and a method no table lists', async () => {
    await expect(ping(mtlsChannelCredentials(ours('intruder'), 'users-service'))).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      message: 'intruder may not call /test.v1.PingService/Ping',
    });
    const client = createClient(ForgottenClient, address, {
      deadlineMs: 5_000,
      credentials: mtlsChannelCredentials(ours('gateway'), 'users-service'),
    });
    try {
      await expect(call(client.poke.bind(client), { text: 'x' })).rejects.toMatchObject({
        code: 'PERMISSION_DENIED',
      });
    } finally {
      client.close();
    }
  });

  it('refuses a caller without a client certificate, or in plaintext', async () => {
    await expect(ping(credentials.createSsl(ours('gateway').ca))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    await expect(ping(credentials.createInsecure())).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it("refuses a caller whose certificate another CA signed, even with an allowed workload's name", async () => {
    const stranger = { ...foreign('gateway'), ca: ours('gateway').ca };
    await expect(ping(mtlsChannelCredentials(stranger, 'users-service'))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });

  it('lets the client refuse a server that is not the workload it expects, or that another CA signed', async () => {
    await expect(ping(mtlsChannelCredentials(ours('gateway'), 'orders-service'))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    await expect(ping(mtlsChannelCredentials(foreign('gateway'), 'users-service'))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });

  it('answers health checks from any workload of the CA', async () => {
    await expect(
      waitUntilServing(address, 2_000, '', mtlsClientSecurity(ours('intruder'))),
    ).resolves.toBeUndefined();
  });

  it('serves health only, in plaintext, on the probe port, with the same statuses as the main port', async () => {
    const check = async (at: string, channel: ChannelCredentials): Promise<HealthCheckResponse['status']> => {
      const health = createClient(HealthClient, at, { deadlineMs: 2_000, credentials: channel });
      try {
        return (await call(health.check.bind(health), { service: '' })).status;
      } finally {
        health.close();
      }
    };
    const tls = mtlsChannelCredentials(ours('intruder'));
    expect(await check(probeAddress, credentials.createInsecure())).toBe('SERVING');
    server.setServing(false);
    try {
      expect(await check(probeAddress, credentials.createInsecure())).toBe('NOT_SERVING');
      expect(await check(address, tls)).toBe('NOT_SERVING');
    } finally {
      server.setServing(true);
    }
    const client = createClient(PingClient, probeAddress, { deadlineMs: 2_000 });
    try {
      // The service lives on the main port only.
      await expect(call(client.ping.bind(client), { text: 'x' })).rejects.toMatchObject({
        cause: { code: status.UNIMPLEMENTED },
      });
    } finally {
      client.close();
    }
  });

  it('will not compile a caller table that leaves out a method of its definition', () => {
    // @ts-expect-error `secret` is missing
    callersOf(PingService, { ping: ['gateway'] });
    // @ts-expect-error not a workload
    callersOf(PingService, { ping: ['gateway'], secret: ['someone'] });
    expect(callersOf(PingService, { ping: [], secret: [] }).callers).toEqual({ ping: [], secret: [] });
  });
});

describe('the transport an app configures', () => {
  const logger = createLogger({ service: 'test', level: 'silent' });

  it('refuses to start with neither GRPC_TLS_DIR nor GRPC_INSECURE, naming both', () => {
    const neither = { GRPC_INSECURE: false };
    for (const build of [
      () => grpcServerSecurity(neither, [], logger),
      () => grpcClientSecurity(neither, 'users-service' satisfies Workload, logger),
    ]) {
      expect(build).toThrow(ConfigError);
      expect(build).toThrow(/GRPC_TLS_DIR.*GRPC_INSECURE=true/s);
    }
  });

  it('warns once when told to run in plaintext, and enforces no table there', () => {
    const lines: Logged[] = [];
    const warned = createLogger({ service: 'test', level: 'info', destination: capture(lines) });
    expect(grpcServerSecurity({ GRPC_INSECURE: true }, [], warned)).toEqual({
      credentials: 'insecure',
      interceptors: [],
    });
    expect(grpcClientSecurity({ GRPC_INSECURE: true }, 'users-service', warned).channelOptions).toEqual({});
    expect(lines.filter((line) => line.level === 'warn').map((line) => line.msg)).toEqual([
      expect.stringContaining('GRPC_INSECURE=true'),
    ]);
  });

  it('fails with the path when a file of GRPC_TLS_DIR is missing', () => {
    expect(() =>
      grpcServerSecurity({ GRPC_TLS_DIR: '/nonexistent/tls', GRPC_INSECURE: false }, [], logger),
    ).toThrow(/cannot read \/nonexistent\/tls\/tls.crt/);
  });
});

function capture(lines: Logged[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Logged);
      callback();
    },
  });
}
