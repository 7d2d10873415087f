import type { ChannelOptions } from '@grpc/grpc-js';

/**
 * 4 MiB is gRPC's default receive limit everywhere; sending is unlimited by default, so it is capped
 * too: a peer would reject anything larger anyway, and failing on the sender names the culprit.
 */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * Server side. Keepalive pings find clients that vanished without closing their connection (a killed
 * pod, a dropped NAT entry) so their calls and memory are released. A connection is recycled after a
 * few minutes so that clients re-resolve and spread over replicas that were added since they
 * connected; the grace period lets calls in flight on the old connection finish.
 */
export const serverChannelOptions: ChannelOptions = {
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.max_connection_age_ms': 5 * 60_000,
  'grpc.max_connection_age_grace_ms': 30_000,
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
};

/**
 * Client side. Spread calls over every address the target resolves to instead of gRPC's default of
 * sticking to the first one (pick_first), which would leave all but one replica idle.
 */
export const roundRobinServiceConfig = JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] });

/**
 * Keepalive on the client notices a dead server while calls are pending instead of waiting for the
 * deadline; without calls it stays quiet so idle channels do not ping (servers may throttle that).
 * Reconnect backoff is capped at 5 s (gRPC's default grows to 2 minutes) so that a restarted peer is
 * used again soon after it is back.
 */
export const clientChannelOptions: ChannelOptions = {
  'grpc.service_config': roundRobinServiceConfig,
  'grpc.initial_reconnect_backoff_ms': 200,
  'grpc.max_reconnect_backoff_ms': 5_000,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 0,
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
};
