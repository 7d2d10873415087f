import { forUser, type AccessTokenVerifier } from '@shop/access-token';
import { usersV1 } from '@shop/contracts';
import { notFound } from '@shop/errors';
import { grpcService, unary, type GrpcService } from '@shop/grpc';
import type { Logger } from '@shop/logger';
import { annotateActiveSpan } from '@shop/telemetry';
import type { UserUseCases } from '@shop/users-module';

/**
 * Adapts gRPC requests to the use cases, and puts what they report on the call's span; no rules live
 * here. GetUser acts for the user of the access token in the call metadata and shows that user only:
 * any other id is NOT_FOUND, as an unknown one is, so a caller cannot even learn which ids exist.
 */
export function usersGrpcService(
  useCases: UserUseCases,
  tokens: AccessTokenVerifier,
  logger: Logger,
): GrpcService {
  return grpcService(usersV1.UsersServiceService, {
    register: unary(async (request) => {
      const user = await useCases.register(request);
      annotateActiveSpan({ 'app.user.id': user.id });
      return { user };
    }, logger),
    authenticate: unary(async ({ email, password }) => {
      const { token, passwordRehashed } = await useCases.authenticate(email, password);
      if (passwordRehashed !== undefined) annotateActiveSpan({ 'app.password.rehashed': passwordRehashed });
      return {
        accessToken: token.accessToken,
        tokenType: token.tokenType,
        expiresInSeconds: token.expiresInSeconds,
      };
    }, logger),
    getUser: unary(
      forUser(tokens, async ({ id }, caller) => {
        if (id !== caller.userId) throw notFound(`User ${id} not found`);
        return { user: await useCases.getUser(id) };
      }),
      logger,
    ),
  });
}
