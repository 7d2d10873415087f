import type * as X509 from '@peculiar/x509';
import { createPrivateKey, X509Certificate, webcrypto } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spiffeId } from './spiffe';
import { CA_FILES, TLS_FILES } from './tls-files';

type CryptoKey = webcrypto.CryptoKey;

let x509Library: typeof X509 | undefined;

/**
 * @peculiar/x509, loaded when a certificate is first made or read: every app imports this library for
 * its gRPC credentials, and only the certificate job issues any; loaded at start, the X.509 library
 * (with tsyringe and reflect-metadata) was 17 MiB of every app's memory.
 */
function loadX509(): typeof X509 {
  if (!x509Library) {
    /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, see above */
    // x509 resolves its services through tsyringe, which needs reflect-metadata first.
    require('reflect-metadata');
    x509Library = require('@peculiar/x509') as typeof X509;
    /* eslint-enable @typescript-eslint/no-require-imports */
    // Node's webcrypto is the standard Crypto; only its declared type differs from the DOM one x509 names.
    x509Library.cryptoProvider.set(webcrypto as ReturnType<typeof X509.cryptoProvider.get>);
  }
  return x509Library;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/** How long what we issue is valid, and how early a workload certificate is renewed. */
export const VALIDITY = {
  caDays: 3650,
  workloadDays: 90,
  /** A workload certificate with less than this left is issued again. */
  renewWithinDays: 30,
  /** A CA with less than this left is replaced (and every workload certificate with it). */
  caRenewWithinDays: 180,
};

export interface CertificateAuthority {
  certificatePem: string;
  key: CryptoKey;
}

export type IssueOutcome = 'issued' | 'reused';

/**
 * The development CA in `caDir`, created on first use and reused after, unless it is unreadable or
 * expires within VALIDITY.caRenewWithinDays: then a new one replaces it.
 */
export async function loadOrCreateCa(
  caDir: string,
  now = new Date(),
): Promise<{ ca: CertificateAuthority; outcome: IssueOutcome }> {
  const existing = await readCa(caDir);
  if (existing && remainingMs(existing.certificatePem, now) > VALIDITY.caRenewWithinDays * DAY_MS) {
    return { ca: existing, outcome: 'reused' };
  }
  const x509 = loadX509();
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: 'CN=Shop development CA, O=shop.local',
    notBefore: backdated(now),
    notAfter: new Date(now.getTime() + VALIDITY.caDays * DAY_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const ca = { certificatePem: certificate.toString('pem'), key: keys.privateKey };
  await mkdir(caDir, { recursive: true, mode: 0o700 });
  await writeAtomically(join(caDir, CA_FILES.key), await privateKeyPem(keys.privateKey), 0o600);
  await writeAtomically(join(caDir, CA_FILES.certificate), ca.certificatePem, 0o644);
  return { ca, outcome: 'issued' };
}

/**
 * `<outDir>/<workload>/{tls.crt,tls.key,ca.crt}` for the workload, signed by `ca`. An existing
 * certificate is kept when it is this workload's, signed by this CA and not about to expire; otherwise a
 * new key and certificate replace it. ca.crt is rewritten whenever it is not the CA's.
 */
export async function ensureWorkloadCertificate(
  ca: CertificateAuthority,
  outDir: string,
  workload: string,
  now = new Date(),
): Promise<IssueOutcome> {
  const dir = join(outDir, workload);
  const paths = {
    certificate: join(dir, TLS_FILES.certificate),
    key: join(dir, TLS_FILES.key),
    ca: join(dir, TLS_FILES.ca),
  };
  await mkdir(dir, { recursive: true });
  if ((await readText(paths.ca)) !== ca.certificatePem)
    await writeAtomically(paths.ca, ca.certificatePem, 0o644);

  const current = await readText(paths.certificate);
  const keyPem = await readText(paths.key);
  if (current && keyPem && stillGood(current, keyPem, ca, workload, now)) return 'reused';

  const x509 = loadX509();
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const caCertificate = new x509.X509Certificate(ca.certificatePem);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${workload}, O=shop.local`,
    issuer: caCertificate.subject,
    notBefore: backdated(now),
    notAfter: new Date(now.getTime() + VALIDITY.workloadDays * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement,
        true,
      ),
      // Each workload is a server to its callers and a client of its peers.
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.serverAuth,
        x509.ExtendedKeyUsage.clientAuth,
      ]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'url', value: spiffeId(workload) },
        { type: 'dns', value: workload },
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCertificate.publicKey),
    ],
  });
  // Key first: a reader never sees a new certificate next to the old key.
  await writeAtomically(paths.key, await privateKeyPem(keys.privateKey), 0o600);
  await writeAtomically(paths.certificate, certificate.toString('pem'), 0o644);
  return 'issued';
}

/** Signed by this CA, for this workload, the key's pair, and not within the renewal window of its expiry. */
function stillGood(
  certificatePem: string,
  keyPem: string,
  ca: CertificateAuthority,
  workload: string,
  now: Date,
): boolean {
  try {
    const certificate = new X509Certificate(certificatePem);
    const issuer = new X509Certificate(ca.certificatePem);
    return (
      certificate.checkPrivateKey(createPrivateKey(keyPem)) &&
      certificate.checkIssued(issuer) &&
      certificate.verify(issuer.publicKey) &&
      (certificate.subjectAltName ?? '').split(', ').includes(`URI:${spiffeId(workload)}`) &&
      remainingMs(certificatePem, now) > VALIDITY.renewWithinDays * DAY_MS
    );
  } catch {
    return false;
  }
}

async function readCa(caDir: string): Promise<CertificateAuthority | undefined> {
  const certificatePem = await readText(join(caDir, CA_FILES.certificate));
  const keyPem = await readText(join(caDir, CA_FILES.key));
  if (!certificatePem || !keyPem) return undefined;
  try {
    const key = await webcrypto.subtle.importKey('pkcs8', pemBody(keyPem), ALGORITHM, true, ['sign']);
    new X509Certificate(certificatePem); // unreadable: made again
    return { certificatePem, key };
  } catch {
    return undefined;
  }
}

function remainingMs(certificatePem: string, now: Date): number {
  return new X509Certificate(certificatePem).validToDate.getTime() - now.getTime();
}

// A few minutes back, so that a peer whose clock is slightly behind accepts a certificate just issued.
const backdated = (now: Date) => new Date(now.getTime() - 5 * 60_000);

// Positive (high bit clear) and random, as RFC 5280 asks of serial numbers.
function serialNumber(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] as number) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return loadX509().PemConverter.encode(der, 'PRIVATE KEY');
}

function pemBody(pem: string): ArrayBuffer {
  const [der] = loadX509().PemConverter.decode(pem);
  if (!der) throw new Error('empty PEM');
  return der;
}

async function readText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
}

/** Written beside and renamed over, so that a process reading the file never sees half of it. */
async function writeAtomically(path: string, content: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content, { mode });
  await chmod(temporary, mode);
  await rename(temporary, path);
}
