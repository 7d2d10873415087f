import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export const BEARER_AUTH = 'bearerAuth';

/** Route-schema fragment of an endpoint that needs `Authorization: Bearer <token>`. */
export const bearerSecurity = [{ [BEARER_AUTH]: [] }];

/**
 * The OpenAPI 3.1 document is generated from the route schemas, so it cannot drift from what the
 * API validates and answers. Served at /openapi.json, with Swagger UI at /docs. Must be registered
 * before the routes, which it collects as they are added.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Shop API',
        version: '1.0.0',
        description:
          'Register, sign in and place orders. Orders are paid asynchronously: a new order is PENDING ' +
          'and becomes CONFIRMED or CANCELLED once the payment outcome is known: follow ' +
          '`GET /v1/orders/{id}/events` (Server-Sent Events, one per status change until the order is final) ' +
          'or read `GET /v1/orders/{id}`. Every error is RFC 9457 problem details (`application/problem+json`): ' +
          '`{ "type", "title", "status", "detail", "code", "errors"?: [{ "field"?, "message" }], "traceId"? }`, ' +
          '`code` being the stable, machine-readable one. Sign-up and sign-in are rate-limited per client ' +
          'address, placing orders per user: past a limit, 429 with `Retry-After`. ' +
          'Request bodies must be `application/json`; fields that are not in the schema are refused (400).',
      },
      tags: [
        { name: 'users', description: 'Accounts' },
        { name: 'auth', description: 'Access tokens' },
        { name: 'products', description: 'The catalog: what can be ordered, at what price' },
        { name: 'orders', description: 'Orders of the signed-in user' },
        { name: 'health', description: 'Probes for orchestrators' },
      ],
      components: {
        securitySchemes: {
          [BEARER_AUTH]: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'An access token from `POST /v1/auth/token`.',
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
}
