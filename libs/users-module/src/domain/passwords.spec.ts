import { legacyScryptHash } from '../../test/legacy-hash';
import { ARGON2ID, hashPassword, needsRehash, verifyPassword } from './passwords';

describe('passwords', () => {
  it("hashes with argon2id at OWASP's first recommended setting, in the PHC string format", async () => {
    const hash = await hashPassword('analytical engine');
    expect(ARGON2ID).toEqual({ memoryKiB: 19_456, passes: 2, parallelism: 1 });
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await hashPassword('analytical engine')).not.toBe(hash);
  });

  it('verifies the right password and refuses others', async () => {
    const hash = await hashPassword('analytical engine');
    expect(await verifyPassword('analytical engine', hash)).toBe(true);
    expect(await verifyPassword('analytical engines', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
    expect(needsRehash(hash)).toBe(false);
  });

  it('still verifies scrypt hashes, and asks for them to be rehashed', async () => {
    const legacy = legacyScryptHash('difference engine');
    expect(await verifyPassword('difference engine', legacy)).toBe(true);
    expect(await verifyPassword('difference engin', legacy)).toBe(false);
    expect(needsRehash(legacy)).toBe(true);
  });

  it('asks for argon2id hashes with other parameters to be rehashed', async () => {
    const hash = await hashPassword('analytical engine');
    const weaker = hash.replace('m=19456,t=2,p=1', 'm=12288,t=3,p=1');
    expect(needsRehash(weaker)).toBe(true);
  });

  it('refuses stored forms that are not ours, and parameters no hash of ours would have', async () => {
    for (const stored of [
      '',
      'plain text',
      '$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA',
      '$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA',
      'scrypt$1$8$1$',
    ]) {
      expect(await verifyPassword('anything', stored)).toBe(false);
      expect(needsRehash(stored)).toBe(true);
    }
  });
});
