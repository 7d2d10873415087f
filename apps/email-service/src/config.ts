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
import { smtpEnv } from '@shop/email-module';

export const emailConfigSchema = z.object({
  ...logEnv,
  ...postgresEnv,
  ...grpcServerEnv,
  ...grpcTransportEnv,
  GRPC_PORT: grpcServerEnv.GRPC_PORT.default(50054),
  ...kafkaEnv,
  ...faultFlagsEnv,
  ...accessTokenEnv,
  ...smtpEnv,
});

export type EmailConfig = z.output<typeof emailConfigSchema>;
