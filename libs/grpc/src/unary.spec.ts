import { Metadata, status, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { AppError, invalidArgument, notFound } from '@shop/errors';
import {
  EchoServiceClient,
  EchoServiceService,
  capturedLogger,
  type EchoRequest,
  type EchoResponse,
} from '../test/echo-service';
import { Root } from 'protobufjs';
import {
  STATUS_DETAILS_KEY,
  call,
  createClient,
  createGrpcServer,
  grpcService,
  unary,
  type GrpcServer,
} from './index';

/** The standard google.rpc messages (google/rpc/status.proto, error_details.proto), the fields used here. */
const GOOGLE_RPC = {
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
          },
        },
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: 'int32', id: 1 },
                message: { type: 'string', id: 2 },
                details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
              },
            },
            ErrorInfo: {
              fields: {
                reason: { type: 'string', id: 1 },
                domain: { type: 'string', id: 2 },
                metadata: { keyType: 'string', type: 'string', id: 3 },
              },
            },
            BadRequest: {
              fields: { field_violations: { rule: 'repeated', type: 'FieldViolation', id: 1 } },
              nested: {
                FieldViolation: {
                  fields: { field: { type: 'string', id: 1 }, description: { type: 'string', id: 2 } },
                },
              },
            },
          },
        },
      },
    },
  },
};

describe('unary', () => {
  let server: GrpcServer;
  let client: EchoServiceClient;
  let logged: ReturnType<typeof capturedLogger>['lines'];
  // Each test decides what the handler does.
  let handle: (request: EchoRequest, grpcCall: ServerUnaryCall<EchoRequest, EchoResponse>) => Promise<string>;

  beforeEach(async () => {
    const { logger, lines } = capturedLogger();
    logged = lines;
    server = createGrpcServer({
      credentials: 'insecure',
      logger,
      services: [
        grpcService(EchoServiceService, {
          echo: unary(
            async (request, grpcCall) => ({ text: await handle(request, grpcCall), servedBy: 'only' }),
            logger,
          ),
        }),
      ],
    });
    const port = await server.listen('127.0.0.1', 0);
    client = createClient(EchoServiceClient, `127.0.0.1:${port}`, { deadlineMs: 2_000 });
  });

  afterEach(async () => {
    client.close();
    await server.shutdown(1_000);
  });

  /** The raw outcome on the wire, without `call`'s translation. */
  const rawCall = (request: EchoRequest): Promise<ServiceError> =>
    new Promise((resolve, reject) => {
      client.echo(request, (error) => (error ? resolve(error) : reject(new Error('the call succeeded'))));
    });

  it('answers with the response the handler resolves with', async () => {
    handle = async ({ text }) => Promise.resolve(text.toUpperCase());
    await expect(call(client.echo.bind(client), { text: 'hello' })).resolves.toEqual({
      text: 'HELLO',
      servedBy: 'only',
    });
  });

  it('sends an AppError as its gRPC status and message, and the client gets the same AppError back', async () => {
    handle = () => Promise.reject(notFound('order o-1 not found'));

    const onTheWire = await rawCall({ text: 'o-1' });
    expect(onTheWire.code).toBe(status.NOT_FOUND);
    expect(onTheWire.details).toBe('order o-1 not found');

    const rethrown = await call(client.echo.bind(client), { text: 'o-1' }).catch((error: unknown) => error);
    expect(rethrown).toBeInstanceOf(AppError);
    expect(rethrown).toMatchObject({ code: 'NOT_FOUND', message: 'order o-1 not found', operational: true });
    expect(logged()).toEqual([expect.objectContaining({ msg: 'gRPC server listening' })]);
  });

  it('carries the code and details of an AppError in the standard grpc-status-details-bin trailer', async () => {
    const details = [
      { field: 'items[0].quantity', message: 'must be at least 1' },
      { message: 'the order has no items left' },
    ];
    handle = () => Promise.reject(invalidArgument('the order is not valid', details));

    const onTheWire = await rawCall({ text: '' });
    expect(onTheWire.code).toBe(status.INVALID_ARGUMENT);
    const [trailer] = onTheWire.metadata.get(STATUS_DETAILS_KEY);
    // Read with the standard google.rpc messages, as any gRPC client would.
    const google = Root.fromJSON(GOOGLE_RPC);
    const decoded = google
      .lookupType('google.rpc.Status')
      .toObject(google.lookupType('google.rpc.Status').decode(trailer as Buffer)) as {
      code: number;
      message: string;
      details: { type_url: string; value: Uint8Array }[];
    };
    expect(decoded).toMatchObject({ code: status.INVALID_ARGUMENT, message: 'the order is not valid' });
    const [info, badRequest] = decoded.details;
    expect(info?.type_url).toBe('type.googleapis.com/google.rpc.ErrorInfo');
    expect(
      google
        .lookupType('google.rpc.ErrorInfo')
        .toObject(google.lookupType('google.rpc.ErrorInfo').decode(info?.value ?? new Uint8Array())),
    ).toEqual({ reason: 'INVALID_ARGUMENT', domain: 'shop.local' });
    expect(badRequest?.type_url).toBe('type.googleapis.com/google.rpc.BadRequest');
    expect(
      google
        .lookupType('google.rpc.BadRequest')
        .toObject(google.lookupType('google.rpc.BadRequest').decode(badRequest?.value ?? new Uint8Array())),
    ).toEqual({
      field_violations: [
        { field: 'items[0].quantity', description: 'must be at least 1' },
        { description: 'the order has no items left' },
      ],
    });

    await expect(call(client.echo.bind(client), { text: '' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details,
    });
  });

  it('tells apart codes that share a gRPC status by the ErrorInfo reason', async () => {
    handle = () =>
      Promise.reject(new AppError('IDEMPOTENCY_KEY_REUSED', 'key k-1 was used for another order'));

    const onTheWire = await rawCall({ text: 'k-1' });
    expect(onTheWire.code).toBe(status.FAILED_PRECONDITION);
    await expect(call(client.echo.bind(client), { text: 'k-1' })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      message: 'key k-1 was used for another order',
    });
  });

  it('answers an unexpected error with INTERNAL and a generic message, and logs what really happened', async () => {
    handle = () => Promise.reject(new Error('connection to db-7.internal:5432 refused'));

    const onTheWire = await rawCall({ text: 'x' });
    expect(onTheWire.code).toBe(status.INTERNAL);
    expect(onTheWire.details).toBe('Internal error');
    expect(onTheWire.metadata.get(STATUS_DETAILS_KEY)).toEqual([]);

    const rethrown = await call(client.echo.bind(client), { text: 'x' }).catch((error: unknown) => error);
    expect(rethrown).toMatchObject({ code: 'INTERNAL', operational: false });
    expect(String((rethrown as Error).message)).not.toContain('db-7');

    const failures = logged().filter((line) => line['msg'] === 'gRPC handler failed');
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatchObject({
      level: 'error',
      method: '/test.echo.v1.EchoService/Echo',
      err: expect.objectContaining({ message: 'connection to db-7.internal:5432 refused' }) as unknown,
    });
  });

  it('treats a handler that throws before it awaits like one that rejects', async () => {
    handle = () => {
      throw new TypeError("Cannot read properties of undefined (reading 'id')");
    };
    await expect(call(client.echo.bind(client), { text: 'x' })).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('gives the handler the call, with the request metadata', async () => {
    handle = (_request, grpcCall) => Promise.resolve(String(grpcCall.metadata.get('x-user-id')[0]));
    const metadata = new Metadata();
    metadata.set('x-user-id', 'u-1');
    await expect(call(client.echo.bind(client), { text: 'x' }, { metadata })).resolves.toMatchObject({
      text: 'u-1',
    });
  });
});
