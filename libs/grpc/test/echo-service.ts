// A tiny service for this lib's tests, shaped like ts-proto's grpc-js output (a definition object, a
// server interface and a client constructor) but with JSON serialisers, so no generated code is needed.
import {
  makeGenericClientConstructor,
  type CallOptions,
  type Client,
  type ClientUnaryCall,
  type handleUnaryCall,
  type Metadata,
  type ServiceError,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { createLogger, type Logger } from '@shop/logger';
import { Writable } from 'node:stream';
import type { GrpcClientConstructor } from '../src';

export interface EchoRequest {
  text: string;
}

export interface EchoResponse {
  text: string;
  /** Which replica answered. */
  servedBy: string;
}

const toJson = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

export const EchoServiceService = {
  echo: {
    path: '/test.echo.v1.EchoService/Echo' as const,
    requestStream: false as const,
    responseStream: false as const,
    requestSerialize: (value: EchoRequest): Buffer => toJson(value),
    requestDeserialize: (bytes: Buffer): EchoRequest => JSON.parse(bytes.toString()) as EchoRequest,
    responseSerialize: (value: EchoResponse): Buffer => toJson(value),
    responseDeserialize: (bytes: Buffer): EchoResponse => JSON.parse(bytes.toString()) as EchoResponse,
  },
};

export interface EchoServiceServer extends UntypedServiceImplementation {
  echo: handleUnaryCall<EchoRequest, EchoResponse>;
}

export interface EchoServiceClient extends Client {
  echo(
    request: EchoRequest,
    callback: (error: ServiceError | null, response: EchoResponse) => void,
  ): ClientUnaryCall;
  echo(
    request: EchoRequest,
    metadata: Metadata,
    callback: (error: ServiceError | null, response: EchoResponse) => void,
  ): ClientUnaryCall;
  echo(
    request: EchoRequest,
    metadata: Metadata,
    options: Partial<CallOptions>,
    callback: (error: ServiceError | null, response: EchoResponse) => void,
  ): ClientUnaryCall;
}

export const EchoServiceClient = makeGenericClientConstructor(
  EchoServiceService,
  'test.echo.v1.EchoService',
) as unknown as GrpcClientConstructor<EchoServiceClient>;

/** A logger whose lines the test can read. */
export function capturedLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const lines = (): Record<string, unknown>[] =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger: createLogger({ service: 'grpc-test', level: 'debug', destination }), lines };
}
