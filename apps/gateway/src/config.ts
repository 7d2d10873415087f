import { resolve } from 'node:path';
import { accessTokenEnv } from '@shop/access-token';
import { grpcTarget, grpcTransportEnv, kafkaEnv, lifelineEnv, logEnv, positiveInt, z } from '@shop/config';
import { shopApiEnv } from '@shop/shop-api';

export const gatewayConfigSchema = z.object({
  ...logEnv,
  ...lifelineEnv,
  // The bundle runs from dist/apps/gateway; the storefront's build lands next to it.
  ...shopApiEnv(resolve(__dirname, '../storefront')),
  GRPC_DEADLINE_MS: positiveInt('Deadline of every call to a downstream service.', 3_000),
  USERS_SERVICE_ADDRESS: grpcTarget('gRPC address of the users service.'),
  ORDERS_SERVICE_ADDRESS: grpcTarget('gRPC address of the orders service.'),
  EMAIL_SERVICE_ADDRESS: grpcTarget(
    'gRPC address of the email service (GET /v1/users/me/emails; /readyz reports it as degraded).',
  ),
  ...grpcTransportEnv,
  ...accessTokenEnv,
  // The order events that live order streams follow; the gateway only listens, so the trace-context
  // switch of the work-sharing consumers does not apply.
  KAFKA_BROKERS: kafkaEnv.KAFKA_BROKERS,
  KAFKA_TOPIC_PREFIX: kafkaEnv.KAFKA_TOPIC_PREFIX,
  KAFKA_FETCH_MAX_WAIT_MS: kafkaEnv.KAFKA_FETCH_MAX_WAIT_MS,
  KAFKA_SESSION_TIMEOUT_MS: kafkaEnv.KAFKA_SESSION_TIMEOUT_MS,
  KAFKA_HEARTBEAT_INTERVAL_MS: kafkaEnv.KAFKA_HEARTBEAT_INTERVAL_MS,
});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
