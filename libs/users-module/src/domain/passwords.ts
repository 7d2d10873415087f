import { argon2, randomBytes, scrypt, timingSafeEqual, type Argon2Parameters } from 'node:crypto';

/**
 * Password hashing with argon2id from Node's standard library (Node >= 24.7; no native add-on to build),
 * at the first of OWASP's recommended settings (Password Storage Cheat Sheet: m=19 MiB, t=2, p=1).
 * The stored form is the PHC string format every argon2 library reads,
 * `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` (unpadded base64), so the parameters travel with
 * each hash and can be raised later: `needsRehash` tells which hashes to upgrade at the next login.
 *
 * Hashes written before argon2id, `scrypt$N$r$p$salt$hash`, still verify, and are upgraded the same way.
 */
export interface Argon2Params {
  /** Memory per hash, in KiB. */
  memoryKiB: number;
  passes: number;
  parallelism: number;
}
export const ARGON2ID: Readonly<Argon2Params> = { memoryKiB: 19 * 1024, passes: 2, parallelism: 1 };
const TAG_LENGTH = 32;
const SALT_LENGTH = 16;
const ARGON2_VERSION = 19;
// A stored hash asking for more than this is not one of ours: refused rather than computed.
const MAX_MEMORY_KIB = 256 * 1024;
const SCRYPT_MAX_MEMORY = 64 * 1024 * 1024;

// Checked once at start: on an older Node every login would fail, which is better said at once.
if (typeof argon2 !== 'function') throw new Error(`argon2id needs Node >= 24.7; this is ${process.version}`);

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

function argon2id(password: string, salt: Buffer, params: Readonly<Argon2Params>): Promise<Buffer> {
  const options: Argon2Parameters = {
    message: password.normalize('NFKC'),
    nonce: salt,
    memory: params.memoryKiB,
    passes: params.passes,
    parallelism: params.parallelism,
    tagLength: TAG_LENGTH,
  };
  return new Promise((resolve, reject) =>
    argon2('argon2id', options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

function scryptKey(password: string, salt: Buffer, N: number, r: number, p: number, length: number) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, length, { N, r, p, maxmem: SCRYPT_MAX_MEMORY }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await argon2id(password, salt, ARGON2ID);
  const { memoryKiB: m, passes: t, parallelism: p } = ARGON2ID;
  return `$argon2id$v=${ARGON2_VERSION}$m=${m},t=${t},p=${p}$${b64(salt)}$${b64(key)}`;
}

interface Argon2Hash {
  params: Readonly<Argon2Params>;
  salt: Buffer;
  hash: Buffer;
}

/** `$argon2id$v=19$m=..,t=..,p=..$salt$hash`; anything else (or out of bounds) is undefined. */
function parseArgon2id(stored: string): Argon2Hash | undefined {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(
    stored,
  );
  if (!match) return undefined;
  const [memoryKiB, passes, parallelism] = [match[1], match[2], match[3]].map(Number) as [
    number,
    number,
    number,
  ];
  if (memoryKiB > MAX_MEMORY_KIB || passes < 1 || passes > 16 || parallelism < 1 || parallelism > 16)
    return undefined;
  if (memoryKiB < 8 * parallelism) return undefined;
  return {
    params: { memoryKiB, passes, parallelism },
    salt: Buffer.from(match[4] ?? '', 'base64'),
    hash: Buffer.from(match[5] ?? '', 'base64'),
  };
}

const equal = (key: Buffer, expected: Buffer) =>
  key.length === expected.length && timingSafeEqual(key, expected);

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseArgon2id(stored);
  if (parsed) return equal(await argon2id(password, parsed.salt, parsed.params), parsed.hash);

  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scryptKey(
    password,
    Buffer.from(salt, 'base64'),
    Number(n),
    Number(r),
    Number(p),
    expected.length,
  );
  return equal(key, expected);
}

/** True for a hash not made with today's scheme and parameters: rehash it once the password is known. */
export function needsRehash(stored: string): boolean {
  const parsed = parseArgon2id(stored);
  return (
    !parsed ||
    parsed.params.memoryKiB !== ARGON2ID.memoryKiB ||
    parsed.params.passes !== ARGON2ID.passes ||
    parsed.params.parallelism !== ARGON2ID.parallelism ||
    parsed.hash.length !== TAG_LENGTH
  );
}

/**
 * A hash of no one's password, checked when the email is unknown, so that "unknown email" and "wrong
 * password" take the same time and cannot be told apart.
 */
export const decoyHash = hashPassword('decoy password that matches nothing');
