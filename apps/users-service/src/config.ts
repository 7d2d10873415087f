import {
  faultFlagsEnv,
  grpcServerEnv,
  grpcTransportEnv,
  kafkaEnv,
  logEnv,
  postgresEnv,
  z,
} from '@shop/config';
import { accessTokenSigningEnv } from '@shop/users-module';

export const usersConfigSchema = z.object({
  ...logEnv,
  ...postgresEnv,
  ...grpcServerEnv,
  ...grpcTransportEnv,
  GRPC_PORT: grpcServerEnv.GRPC_PORT.default(50051),
  ...kafkaEnv,
  ...faultFlagsEnv,
  ...accessTokenSigningEnv,
});

export type UsersConfig = z.output<typeof usersConfigSchema>;
