import {
  faultFlagsEnv,
  grpcServerEnv,
  grpcTransportEnv,
  kafkaEnv,
  logEnv,
  pemKey,
  postgresEnv,
  z,
} from '@shop/config';

export const usersConfigSchema = z.object({
  ...logEnv,
  ...postgresEnv,
  ...grpcServerEnv,
  ...grpcTransportEnv,
  GRPC_PORT: grpcServerEnv.GRPC_PORT.default(50051),
  ...kafkaEnv,
  ...faultFlagsEnv,
  JWT_PRIVATE_KEY: pemKey('Ed25519 private key (PKCS#8 PEM) that signs access tokens.'),
  JWT_ISSUER: z.string().default('shop-users').describe('`iss` of the access tokens.'),
  JWT_AUDIENCE: z.string().default('shop-api').describe('`aud` of the access tokens.'),
  JWT_TTL_SECONDS: z.coerce.number().int().positive().default(900).describe('Lifetime of an access token.'),
});

export type UsersConfig = z.output<typeof usersConfigSchema>;
