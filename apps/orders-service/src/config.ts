import { accessTokenEnv } from '@shop/access-token';
import {
  faultFlagsEnv,
  grpcServerEnv,
  grpcTarget,
  grpcTransportEnv,
  kafkaEnv,
  logEnv,
  positiveInt,
  postgresEnv,
  z,
} from '@shop/config';

export const ordersConfigSchema = z.object({
  ...logEnv,
  ...postgresEnv,
  ...grpcServerEnv,
  ...grpcTransportEnv,
  GRPC_PORT: grpcServerEnv.GRPC_PORT.default(50052),
  ...kafkaEnv,
  ...faultFlagsEnv,
  ...accessTokenEnv,
  USERS_SERVICE_ADDRESS: grpcTarget(
    'The users service, which CreateOrder asks for the customer: host:port, a comma-separated list of replicas, or dns:///name:port.',
  ),
  USERS_DEADLINE_MS: positiveInt(
    'How long CreateOrder waits for the users service before answering UNAVAILABLE.',
    2_000,
  ),
});

export type OrdersConfig = z.output<typeof ordersConfigSchema>;
