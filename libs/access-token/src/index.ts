export { actingAs, actingUser } from './acting-user';
export { accessTokenEnv, accessTokenSettings } from './env';
export { AUTHORIZATION_KEY, bearerMetadata, forUser, userOfMetadata } from './grpc';
export {
  createAccessTokenVerifier,
  type AccessTokenSettings,
  type AccessTokenVerifier,
  type VerifiedUser,
} from './verifier';
