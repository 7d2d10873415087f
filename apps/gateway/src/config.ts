import { grpcTarget, lifelineEnv, logEnv, pemKey, port, z } from '@shop/config';

const positiveInt = (description: string, fallback: number) =>
  z.coerce.number().int().positive().default(fallback).describe(description);

export const gatewayConfigSchema = z.object({
  ...logEnv,
  ...lifelineEnv,
  GATEWAY_HOST: z.string().default('0.0.0.0').describe('Address the HTTP server binds.'),
  GATEWAY_PORT: port('Port the HTTP server listens on (0 picks a free one).', 8080),
  BODY_LIMIT_BYTES: positiveInt('Largest request body accepted; larger ones are answered 413.', 65_536),
  SHUTDOWN_GRACE_MS: positiveInt('How long in-flight requests may take to finish on SIGTERM.', 10_000),
  GRPC_DEADLINE_MS: positiveInt('Deadline of every call to a downstream service.', 3_000),
  READINESS_DEADLINE_MS: positiveInt(
    'Deadline of each health check behind /readyz; short, so a probe is answered before it times out.',
    1_000,
  ),
  USERS_SERVICE_ADDRESS: grpcTarget('gRPC address of the users service.'),
  ORDERS_SERVICE_ADDRESS: grpcTarget('gRPC address of the orders service.'),
  PAYMENTS_SERVICE_ADDRESS: grpcTarget('gRPC address of the payments service (checked by /readyz).'),
  EMAIL_SERVICE_ADDRESS: grpcTarget('gRPC address of the email service (checked by /readyz).'),
  JWT_PUBLIC_KEY: pemKey('Ed25519 public key (SPKI PEM) that verifies access tokens.'),
  JWT_ISSUER: z.string().default('shop-users').describe('Required `iss` of access tokens.'),
  JWT_AUDIENCE: z.string().default('shop-api').describe('Required `aud` of access tokens.'),
});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
