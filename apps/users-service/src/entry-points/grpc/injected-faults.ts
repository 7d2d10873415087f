import { unavailable } from '@shop/errors';
import { markFault, type FaultFlags } from '@shop/fault-flags';
import type { UserUseCases } from '@shop/users-module';

export interface InjectedFaultsOptions {
  faults: Pick<FaultFlags, 'usersGetUserUnavailableShare'>;
  /** The dice, replaceable so that a test picks which calls fail. */
  random?: () => number;
}

/**
 * The use cases as the gRPC edge serves them, with the faults injected on purpose (`npm run flags`):
 * `users-getuser-unavailable-share` fails that share of GetUser calls with UNAVAILABLE, as if the users
 * service were away, before the use case runs. The rules themselves stay untouched.
 */
export function withInjectedFaults(useCases: UserUseCases, options: InjectedFaultsOptions): UserUseCases {
  const random = options.random ?? Math.random;
  return {
    ...useCases,
    async getUser(id) {
      const share = await options.faults.usersGetUserUnavailableShare();
      if (share > 0 && random() < share) {
        markFault('users-getuser-unavailable-share');
        // Thrown inside the GetUser span, which records it; the edge answers UNAVAILABLE.
        throw unavailable(
          'The users service is unavailable (injected fault users-getuser-unavailable-share)',
        );
      }
      return useCases.getUser(id);
    },
  };
}
