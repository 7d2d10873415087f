import { createSigner } from 'fast-jwt';
import { testAccessTokens } from '@shop/testing';
import { createAccessTokenVerifier } from './verifier';

describe('createAccessTokenVerifier', () => {
  const tokens = testAccessTokens();
  const verifier = createAccessTokenVerifier({
    publicKeyPem: tokens.publicKeyPem,
    issuer: 'shop-users',
    audience: 'shop-api',
  });
  const refusal = (work: () => unknown) => {
    try {
      work();
    } catch (error) {
      return error as { code: string; message: string };
    }
    throw new Error('expected a refusal');
  };

  it('gives the subject, the email and the token itself for a valid token', () => {
    const token = tokens.sign('user-1', { email: 'ada@example.com' });
    expect(verifier.verifyAuthorization(`Bearer ${token}`)).toEqual({
      userId: 'user-1',
      email: 'ada@example.com',
      accessToken: token,
    });
  });

  it.each([
    ['no authorization', undefined, 'A bearer token is required'],
    [
      'another scheme',
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      'The authorization must be "Bearer <token>"',
    ],
    ['a token signed by another key', `Bearer ${tokens.forged('user-1')}`, 'The access token is not valid'],
    ['an expired token', `Bearer ${tokens.expired('user-1')}`, 'The access token has expired'],
    [
      'a token for another audience',
      `Bearer ${tokens.wrongAudience('user-1')}`,
      'The access token is not valid',
    ],
    [
      'a token from another issuer',
      `Bearer ${tokens.sign('user-1', { iss: 'someone' })}`,
      'The access token is not valid',
    ],
    [
      'an unsigned token',
      `Bearer ${createSigner({ algorithm: 'none' })({ sub: 'user-1', aud: 'shop-api', iss: 'shop-users', exp: 9_999_999_999 })}`,
      'The access token is not valid',
    ],
  ])('refuses %s as UNAUTHENTICATED', (_label, authorization, message) => {
    expect(refusal(() => verifier.verifyAuthorization(authorization))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message,
    });
  });

  it('refuses a cached token once it has expired: the cache never outlives the token', async () => {
    const token = tokens.sign('user-1', {}, { expiresInMs: 1_000 });
    expect(verifier.verifyToken(token).userId).toBe('user-1');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(refusal(() => verifier.verifyToken(token))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
