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

const milliseconds = (description: string, fallback: number) =>
  z.coerce.number().int().min(0).default(fallback).describe(description);

export const paymentsConfigSchema = z.object({
  ...logEnv,
  ...postgresEnv,
  ...grpcServerEnv,
  ...grpcTransportEnv,
  GRPC_PORT: grpcServerEnv.GRPC_PORT.default(50053),
  ...kafkaEnv,
  ...faultFlagsEnv,
  ...accessTokenEnv,
  CARD_NETWORK_LATENCY_MS: milliseconds('Mean response time of the simulated card network.', 50),
  CARD_NETWORK_JITTER_MS: milliseconds(
    'The simulated card network answers within latency ± this much, uniformly spread.',
    20,
  ),
});

export type PaymentsConfig = z.output<typeof paymentsConfigSchema>;
