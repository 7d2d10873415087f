import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { LogLevel } from 'fastify';
import { isAppError } from '@shop/errors';
import { call } from '@shop/grpc';
import type { Static } from 'typebox';
import type { DownstreamName, HealthTarget } from '../grpc-clients';
import {
  DOWNSTREAM_STATES,
  LivenessSchema,
  NotReadySchema,
  ReadySchema,
  type Readiness,
} from '../schemas/health';

type DownstreamState = Static<typeof ReadySchema>['services']['users'];

export interface HealthRoutesOptions {
  health: Record<DownstreamName, HealthTarget>;
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
 * The services the gateway's own routes call. Only these decide its readiness: payments or email being
 * away delays settling and mails, which the outbox and the consumers absorb, while every route still
 * works; taking the gateway out of service for them would turn a partial outage into a whole one.
 */
export const REQUIRED_DOWNSTREAMS: readonly DownstreamName[] = ['users', 'orders'];

/** Asks every downstream at once, each within the readiness deadline of its client. */
export async function readiness(health: Record<DownstreamName, HealthTarget>): Promise<Readiness> {
  const names = Object.keys(health) as DownstreamName[];
  const states = await Promise.all(names.map((name) => check(health[name])));
  const services = Object.fromEntries(names.map((name, i) => [name, states[i]])) as Readiness['services'];
  const notReady = REQUIRED_DOWNSTREAMS.filter((name) => services[name] !== 'SERVING');
  return { status: notReady.length === 0 ? 'ready' : 'not_ready', services, notReady };
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
          'Answers 200 when the services the API calls (users and orders) report SERVING on the gRPC ' +
          'health checking protocol, 503 naming those that do not. Payments and email are reported too, ' +
          'but do not decide: while they are away, orders are accepted and settle once they are back.',
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
