import { usersV1 } from '@shop/contracts';
import { grpcService, unary, type GrpcService } from '@shop/grpc';
import type { Logger } from '@shop/logger';
import type { UserUseCases } from '../../domain/users';

/** Adapts gRPC requests to the use cases; no rules live here. */
export function usersGrpcService(useCases: UserUseCases, logger: Logger): GrpcService {
  return grpcService(usersV1.UsersServiceService, {
    register: unary(async (request) => ({ user: await useCases.register(request) }), logger),
    authenticate: unary(async ({ email, password }) => {
      const token = await useCases.authenticate(email, password);
      return {
        accessToken: token.accessToken,
        tokenType: token.tokenType,
        expiresInSeconds: token.expiresInSeconds,
      };
    }, logger),
    getUser: unary(async ({ id }) => ({ user: await useCases.getUser(id) }), logger),
  });
}
