import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { LogLevel } from 'fastify';
import type { CheckedDependency, ReadinessPort } from '../ports';
import { LivenessSchema, NotReadySchema, ReadySchema, type Readiness } from '../schemas/health';

export interface HealthRoutesOptions {
  /** Asks the parts of the shop the routes call whether they serve. */
  readiness: ReadinessPort;
  /** Level of the probes' request logs. */
  logLevel: LogLevel;
}

/**
 * The parts of the shop the API's routes call, and which of them decide its readiness. Users and
 * orders serve nearly every route (sign-up, sign-in, orders, their streams, the catalog): without
 * either the API is of no use, and a replica that cannot reach them should get no traffic. Email
 * serves one read, GET /v1/users/me/emails, which answers 503 while it is away: it is checked and
 * reported (`degraded`), but taking every replica out of service for it would turn a partial outage
 * into a whole one. Payments is not checked at all: no route calls it (orders does, via events).
 */
export const REQUIRED_DOWNSTREAMS = ['users', 'orders'] as const satisfies readonly CheckedDependency[];
export const OPTIONAL_DOWNSTREAMS = ['email'] as const satisfies readonly CheckedDependency[];

/** The readiness report from what each part answered. */
export async function readiness(port: ReadinessPort): Promise<Readiness> {
  const checked = await port.check();
  const services: Readiness['services'] = {
    users: checked.users,
    orders: checked.orders,
    email: checked.email,
  };
  const notReady = REQUIRED_DOWNSTREAMS.filter((name) => services[name] !== 'SERVING');
  const degraded = OPTIONAL_DOWNSTREAMS.filter((name) => services[name] !== 'SERVING');
  return { status: notReady.length === 0 ? 'ready' : 'not_ready', services, notReady, degraded };
}

export const healthRoutes: FastifyPluginCallbackTypebox<HealthRoutesOptions> = (
  app,
  { readiness: port, logLevel },
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
          'Answers 200 when the parts of the shop that nearly every route calls (users and orders) ' +
          'report SERVING within a short deadline, 503 naming those that do not (`notReady`). Email, ' +
          'which only `GET /v1/users/me/emails` calls, is checked too but does not decide: while it is ' +
          'away that route answers 503 and `degraded` names it. Payments is not checked: no route calls it.',
        response: { 200: ReadySchema, 503: NotReadySchema },
      },
    },
    async (request, reply) => {
      const result = await readiness(port);
      if (result.status === 'ready') return reply.code(200).send(result);
      request.log.warn({ notReady: result.notReady, services: result.services }, 'not ready');
      return reply.code(503).send(result);
    },
  );

  done();
};
