import { Metadata, status, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { AppError, invalidArgument, notFound } from '@shop/errors';
import {
  EchoServiceClient,
  EchoServiceService,
  capturedLogger,
  type EchoRequest,
  type EchoResponse,
} from '../test/echo-service';
import {
  ERROR_DETAILS_KEY,
  call,
  createClient,
  createGrpcServer,
  grpcService,
  unary,
  type GrpcServer,
} from './index';

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

  it('carries the details of an AppError in the error-details-bin trailer', async () => {
    const details = [{ field: 'items[0].quantity', message: 'must be at least 1' }];
    handle = () => Promise.reject(invalidArgument('the order is not valid', details));

    const onTheWire = await rawCall({ text: '' });
    expect(onTheWire.code).toBe(status.INVALID_ARGUMENT);
    const [trailer] = onTheWire.metadata.get(ERROR_DETAILS_KEY);
    expect(JSON.parse(String(trailer))).toEqual(details);

    await expect(call(client.echo.bind(client), { text: '' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details,
    });
  });

  it('answers an unexpected error with INTERNAL and a generic message, and logs what really happened', async () => {
    handle = () => Promise.reject(new Error('connection to db-7.internal:5432 refused'));

    const onTheWire = await rawCall({ text: 'x' });
    expect(onTheWire.code).toBe(status.INTERNAL);
    expect(onTheWire.details).toBe('Internal error');
    expect(onTheWire.metadata.get(ERROR_DETAILS_KEY)).toEqual([]);

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
