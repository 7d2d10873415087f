import {
  makeGenericClientConstructor,
  type CallOptions,
  type Client,
  type ClientReadableStream,
  type MethodDefinition,
} from '@grpc/grpc-js';
import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { AppError } from '@shop/errors';
import { setTimeout as sleep } from 'node:timers/promises';
import { call, type UnaryMethod } from './call';
import { createClient, type CreateClientOptions, type GrpcClientConstructor } from './grpc-client';

export interface HealthCheckRequest {
  /** A service's full name, or '' for the whole server. */
  service: string;
}

export interface HealthCheckResponse {
  status: 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';
}

/** A client of the standard grpc.health.v1.Health service, as served by createGrpcServer. */
export interface HealthClient extends Client {
  check: UnaryMethod<HealthCheckRequest, HealthCheckResponse>;
  /** Streams the status now and on every change, until cancelled. */
  watch(
    request: HealthCheckRequest,
    options?: Partial<CallOptions>,
  ): ClientReadableStream<HealthCheckResponse>;
}

// The two messages of grpc/health/v1/health.proto, against the wire format: grpc-health-check's
// definition would load protobufjs and parse the .proto file (12 MiB, in the stack's launcher too).
const STATUSES: readonly HealthCheckResponse['status'][] = [
  'UNKNOWN',
  'SERVING',
  'NOT_SERVING',
  'SERVICE_UNKNOWN',
];

/** HealthCheckRequest { string service = 1; } */
const encodeRequest = ({ service }: HealthCheckRequest) =>
  Buffer.from(service ? new BinaryWriter().uint32(10).string(service).finish() : new Uint8Array());

/** HealthCheckResponse { ServingStatus status = 1; } */
const encodeResponse = ({ status }: HealthCheckResponse) =>
  Buffer.from(
    new BinaryWriter()
      .uint32(8)
      .int32(Math.max(STATUSES.indexOf(status), 0))
      .finish(),
  );

function decodeField<T>(bytes: Uint8Array, read: (reader: BinaryReader) => T, empty: T): T {
  const reader = new BinaryReader(bytes);
  let value = empty;
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) value = read(reader);
    else reader.skip(wireType);
  }
  return value;
}

const method = (
  name: 'Check' | 'Watch',
  responseStream: boolean,
): MethodDefinition<HealthCheckRequest, HealthCheckResponse> => ({
  path: `/grpc.health.v1.Health/${name}`,
  requestStream: false,
  responseStream,
  requestSerialize: encodeRequest,
  requestDeserialize: (bytes) => ({ service: decodeField(bytes, (reader) => reader.string(), '') }),
  responseSerialize: encodeResponse,
  // Statuses as strings, as grpc-health-check's definition has them (health.proto loaded with enums as strings).
  responseDeserialize: (bytes) => ({
    status: STATUSES[decodeField(bytes, (reader) => reader.int32(), 0)] ?? 'UNKNOWN',
  }),
});

export const HealthClient = makeGenericClientConstructor(
  { check: method('Check', false), watch: method('Watch', true) },
  'grpc.health.v1.Health',
) as unknown as GrpcClientConstructor<HealthClient>;

const POLL_INTERVAL_MS = 100;
const ATTEMPT_TIMEOUT_MS = 1_000;

/**
 * Resolves once `address` reports SERVING for `service` ('' is the whole server), for start-up ordering
 * and tests; rejects with UNAVAILABLE after `timeoutMs`. A server on mutual TLS needs the `credentials`
 * of some workload its CA signed (health is open to every caller it authenticates), and the channel
 * options that go with them.
 */
export async function waitUntilServing(
  address: string,
  timeoutMs: number,
  service = '',
  connect: Pick<CreateClientOptions, 'credentials' | 'channelOptions'> = {},
): Promise<void> {
  const until = Date.now() + timeoutMs;
  const client = createClient(HealthClient, address, {
    deadlineMs: ATTEMPT_TIMEOUT_MS,
    ...(connect.credentials && { credentials: connect.credentials }),
    // gRPC's reconnect backoff grows to two minutes; a server that is about to start should be seen soon.
    channelOptions: {
      ...connect.channelOptions,
      'grpc.initial_reconnect_backoff_ms': POLL_INTERVAL_MS,
      'grpc.max_reconnect_backoff_ms': 1_000,
    },
  });
  let lastProblem: unknown;
  try {
    for (;;) {
      try {
        const deadline = Math.min(until, Date.now() + ATTEMPT_TIMEOUT_MS);
        const { status } = await call(client.check.bind(client), { service }, { deadline });
        if (status === 'SERVING') return;
        lastProblem = status;
      } catch (error) {
        lastProblem = error;
      }
      if (Date.now() + POLL_INTERVAL_MS >= until) {
        throw new AppError('UNAVAILABLE', `${address} is not serving after ${timeoutMs} ms`, {
          cause: lastProblem,
        });
      }
      await sleep(POLL_INTERVAL_MS);
    }
  } finally {
    client.close();
  }
}
