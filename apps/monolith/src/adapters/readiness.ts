import type { Pool } from '@shop/db';
import type { CheckedDependency, DependencyState, ReadinessPort } from '@shop/shop-api';

/** Whether a module's database answers as that module's role, within the deadline; never throws. */
async function check(pool: Pool, deadlineMs: number): Promise<DependencyState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DependencyState>((resolve) => {
    timer = setTimeout(() => resolve('TIMEOUT'), deadlineMs);
  });
  const answer = pool.query('SELECT 1').then(
    (): DependencyState => 'SERVING',
    (): DependencyState => 'UNREACHABLE',
  );
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The API's readiness port in process: a module serves while its database answers on its own pool (the
 * one its use cases use), so a database restart turns /readyz to 503 and back without a restart.
 */
export function inProcessReadiness(
  pools: Record<CheckedDependency, Pool>,
  deadlineMs: number,
): ReadinessPort {
  return {
    async check() {
      const [users, orders, email] = await Promise.all([
        check(pools.users, deadlineMs),
        check(pools.orders, deadlineMs),
        check(pools.email, deadlineMs),
      ]);
      return { users, orders, email };
    },
  };
}
