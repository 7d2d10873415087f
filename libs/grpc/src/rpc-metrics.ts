import { metrics, type Histogram } from '@opentelemetry/api';
import { status as GrpcStatus } from '@grpc/grpc-js';

let histogram: Histogram | undefined;

// Created on first use: the meter provider is registered by the telemetry entry before the app runs,
// and a meter taken before that would stay a no-op for good.
function callDuration(): Histogram {
  histogram ??= metrics.getMeter('shop-grpc').createHistogram('rpc.server.call.duration', {
    description: 'Duration of gRPC calls handled by this server (OpenTelemetry RPC semantic conventions).',
    unit: 's',
    advice: {
      explicitBucketBoundaries: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    },
  });
  return histogram;
}

/** Records one handled call: the rate, errors and duration per RPC (RED) come from this histogram. */
export function recordServerCall(path: string, code: GrpcStatus, startedAt: bigint): void {
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  callDuration().record(seconds, {
    'rpc.system.name': 'grpc',
    // "/orders.v1.OrdersService/CreateOrder" -> "orders.v1.OrdersService/CreateOrder"
    'rpc.method': path.replace(/^\//, ''),
    'rpc.response.status_code': GrpcStatus[code] ?? String(code),
  });
}
