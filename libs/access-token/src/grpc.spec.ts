import { Metadata, type ServerUnaryCall } from '@grpc/grpc-js';
import { testAccessTokens } from '@shop/testing';
import { actingUser } from './acting-user';
import { bearerMetadata, forUser } from './grpc';
import { createAccessTokenVerifier } from './verifier';

describe('forUser', () => {
  const tokens = testAccessTokens();
  const verifier = createAccessTokenVerifier({
    publicKeyPem: tokens.publicKeyPem,
    issuer: 'shop-users',
    audience: 'shop-api',
  });
  const callWith = (metadata: Metadata) => ({ metadata }) as ServerUnaryCall<string, string>;

  it('runs the handler for the token’s user, who stays the acting user across awaits and only there', async () => {
    const token = tokens.sign('user-7');
    const handler = forUser<string, string>(verifier, async (request, user) => {
      await new Promise((resolve) => setImmediate(resolve));
      return `${request}:${user.userId}:${actingUser()?.accessToken === token}`;
    });
    await expect(handler('hello', callWith(bearerMetadata(token)))).resolves.toBe('hello:user-7:true');
    expect(actingUser()).toBeUndefined();
  });

  it('refuses a call without a token before the handler runs', async () => {
    const handler = jest.fn(() => Promise.resolve('never'));
    await expect(forUser(verifier, handler)('hello', callWith(new Metadata()))).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect(handler).not.toHaveBeenCalled();
  });
});
