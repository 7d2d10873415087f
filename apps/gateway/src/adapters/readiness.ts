import { isAppError } from '@shop/errors';
import { call } from '@shop/grpc';
import type { CheckedDependency, DependencyState, ReadinessPort } from '@shop/shop-api';
import type { HealthTarget } from '../grpc-clients';

const STATES: readonly string[] = [
  'SERVING',
  'NOT_SERVING',
  'UNKNOWN',
  'SERVICE_UNKNOWN',
  'UNREACHABLE',
  'TIMEOUT',
] satisfies readonly DependencyState[];
const isState = (value: string): value is DependencyState => STATES.includes(value);

/** One downstream's answer on the gRPC health checking protocol; never throws. */
async function check({ client, service }: HealthTarget): Promise<DependencyState> {
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
 * The API's readiness port over the services' gRPC health checks: every one asked at once, each
 * within the readiness deadline of its client.
 */
export function grpcReadiness(health: Record<CheckedDependency, HealthTarget>): ReadinessPort {
  return {
    async check() {
      const [users, orders, email] = await Promise.all([
        check(health.users),
        check(health.orders),
        check(health.email),
      ]);
      return { users, orders, email };
    },
  };
}
