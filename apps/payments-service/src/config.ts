import { accessTokenEnv } from '@shop/access-token';
import {
  faultFlagsEnv,
  grpcServerEnv,
  grpcTransportEnv,
  kafkaEnv,
  logEnv,
  postgresEnv,
  z,
} from '@shop/config';
import { cardNetworkEnv } from '@shop/payments-module';

export const paymentsConfigSchema = z.object({
  ...logEnv,
  ...postgresEnv,
  ...grpcServerEnv,
  ...grpcTransportEnv,
  GRPC_PORT: grpcServerEnv.GRPC_PORT.default(50053),
  ...kafkaEnv,
  ...faultFlagsEnv,
  ...accessTokenEnv,
  ...cardNetworkEnv,
});

export type PaymentsConfig = z.output<typeof paymentsConfigSchema>;
