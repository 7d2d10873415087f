import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { LogLevel } from 'fastify';
import { isAppError } from '@shop/errors';
import { call } from '@shop/grpc';
import type { Static } from 'typebox';
import type { HealthTarget } from '../grpc-clients';
import {
  DOWNSTREAM_STATES,
  LivenessSchema,
  NotReadySchema,
  ReadySchema,
  type Readiness,
} from '../schemas/health';

type DownstreamState = Static<typeof ReadySchema>['services']['users'];

export interface HealthRoutesOptions {
  /** The health clients of the downstreams; those no route calls may be among them, and are not asked. */
  health: Record<CheckedName, HealthTarget>;
  /** Level of the probes' request logs. */
  logLevel: LogLevel;
}

const isState = (value: string): value is DownstreamState =>
  (DOWNSTREAM_STATES as readonly string[]).includes(value);

/** One downstream's answer on the gRPC health checking protocol; never throws. */
async function check({ client, service }: HealthTarget): Promise<DownstreamState> {
  try {
    const { status } = await call(client.check.bind(client), { service });
    return isState(status) ? status : 'UNKNOWN';
  } catch (error) {
    if (!isAppError(error)) return 'UNKNOWN';
    if (error.code === 'DEADLINE_EXCEEDED') return 'TIMEOUT';
    // The health protocol answers NOT_FOUND for a service the server does not serve.
    if (error.code === 'NOT_FOUND') return 'SERVICE_UNKNOWN';
    if (error.code === 'UNAVAILABLE') return 'UNREACHABLE';
    return 'UNKNOWN';
  }
}

/**
 * The services the gateway's routes call, and which of them decide its readiness. Users and orders
 * serve nearly every route (sign-up, sign-in, orders, their streams, the catalog): without either the
 * gateway is of no use, and a replica that cannot reach them should get no traffic. Email serves one
 * read, GET /v1/users/me/emails, which answers 503 while it is away: it is checked and reported
 * (`degraded`), but taking every replica out of service for it would turn a partial outage into a
 * whole one. Payments is not checked at all: no route calls it (orders-service does, via Kafka).
 */
export const REQUIRED_DOWNSTREAMS = ['users', 'orders'] as const;
export const OPTIONAL_DOWNSTREAMS = ['email'] as const;
type CheckedName = (typeof REQUIRED_DOWNSTREAMS)[number] | (typeof OPTIONAL_DOWNSTREAMS)[number];

/** Asks every downstream the routes call at once, each within the readiness deadline of its client. */
export async function readiness(health: Record<CheckedName, HealthTarget>): Promise<Readiness> {
  const names: readonly CheckedName[] = [...REQUIRED_DOWNSTREAMS, ...OPTIONAL_DOWNSTREAMS];
  const states = await Promise.all(names.map((name) => check(health[name])));
  const services = Object.fromEntries(names.map((name, i) => [name, states[i]])) as Readiness['services'];
  const notReady = REQUIRED_DOWNSTREAMS.filter((name) => services[name] !== 'SERVING');
  const degraded = OPTIONAL_DOWNSTREAMS.filter((name) => services[name] !== 'SERVING');
  return { status: notReady.length === 0 ? 'ready' : 'not_ready', services, notReady, degraded };
}

export const healthRoutes: FastifyPluginCallbackTypebox<HealthRoutesOptions> = (
  app,
  { health, logLevel },
  done,
) => {
  app.get(
    '/healthz',
    {
      logLevel,
      schema: {
        tags: ['health'],
        summary: 'Liveness',
        description: 'Answers 200 while the process runs; it checks nothing else.',
        response: { 200: LivenessSchema },
      },
    },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      logLevel,
      schema: {
        tags: ['health'],
        summary: 'Readiness',
        description:
          'Answers 200 when the services nearly every route calls (users and orders) report SERVING on ' +
          'the gRPC health checking protocol, 503 naming those that do not (`notReady`). Email, which ' +
          'only `GET /v1/users/me/emails` calls, is checked too but does not decide: while it is away ' +
          'that route answers 503 and `degraded` names it. Payments is not checked: no route calls it.',
        response: { 200: ReadySchema, 503: NotReadySchema },
      },
    },
    async (request, reply) => {
      const result = await readiness(health);
      if (result.status === 'ready') return reply.code(200).send(result);
      request.log.warn({ notReady: result.notReady, services: result.services }, 'not ready');
      return reply.code(503).send(result);
    },
  );

  done();
};
