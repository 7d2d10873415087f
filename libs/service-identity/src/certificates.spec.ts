import { createPrivateKey, X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { issueCertificatesCli } from './issue-cli';
import { issueCertificates, VALIDITY } from './index';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('issueCertificates', () => {
  let dir: string;
  const out = () => join(dir, 'certs');
  const caDir = () => join(dir, 'ca');
  const read = (...path: string[]) => readFileSync(join(out(), ...path), 'utf8');
  const issue = (workloads: string[], now?: Date) =>
    issueCertificates({ outDir: out(), caDir: caDir(), workloads, ...(now && { now }) });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'issue-spec-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('issues a CA and, per workload, a certificate it signed with the SPIFFE id, DNS and IP names', async () => {
    expect(await issue(['users-service'])).toEqual({
      ca: 'issued',
      workloads: { 'users-service': 'issued' },
    });
    const ca = new X509Certificate(readFileSync(join(caDir(), 'ca.crt')));
    const certificate = new X509Certificate(read('users-service', 'tls.crt'));
    expect(ca.ca).toBe(true);
    expect(certificate.ca).toBe(false);
    expect(certificate.checkIssued(ca) && certificate.verify(ca.publicKey)).toBe(true);
    expect(certificate.subjectAltName?.split(', ')).toEqual([
      'URI:spiffe://shop.local/users-service',
      'DNS:users-service',
      'DNS:localhost',
      'IP Address:127.0.0.1',
    ]);
    expect(certificate.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
    expect(read('users-service', 'ca.crt')).toBe(readFileSync(join(caDir(), 'ca.crt'), 'utf8'));
    expect(certificate.checkPrivateKey(createPrivateKey(read('users-service', 'tls.key')))).toBe(true);
    // The CA's key is never among a workload's files.
    expect(() => read('ca', 'ca.key')).toThrow();
  });

  it('reuses what is there on the next run, and issues only what is missing', async () => {
    await issue(['gateway', 'users-service']);
    const before = read('gateway', 'tls.crt');
    unlinkSync(join(out(), 'users-service', 'tls.key'));
    expect(await issue(['gateway', 'users-service', 'email-service'])).toEqual({
      ca: 'reused',
      workloads: { gateway: 'reused', 'users-service': 'issued', 'email-service': 'issued' },
    });
    expect(read('gateway', 'tls.crt')).toBe(before);
  });

  it('re-issues a certificate whose key is not its pair', async () => {
    await issue(['gateway', 'email-service']);
    const before = read('gateway', 'tls.crt');
    copyFileSync(join(out(), 'email-service', 'tls.key'), join(out(), 'gateway', 'tls.key'));
    expect((await issue(['gateway'])).workloads).toEqual({ gateway: 'issued' });
    expect(read('gateway', 'tls.crt')).not.toBe(before);
    const certificate = new X509Certificate(read('gateway', 'tls.crt'));
    expect(certificate.checkPrivateKey(createPrivateKey(read('gateway', 'tls.key')))).toBe(true);
  });

  it('renews a workload certificate that expires within the renewal window, not before', async () => {
    await issue(['gateway']);
    const first = read('gateway', 'tls.crt');
    const stillFine = new Date(Date.now() + (VALIDITY.workloadDays - VALIDITY.renewWithinDays - 1) * DAY_MS);
    expect((await issue(['gateway'], stillFine)).workloads).toEqual({ gateway: 'reused' });
    const soon = new Date(Date.now() + (VALIDITY.workloadDays - VALIDITY.renewWithinDays + 1) * DAY_MS);
    expect((await issue(['gateway'], soon)).workloads).toEqual({ gateway: 'issued' });
    expect(read('gateway', 'tls.crt')).not.toBe(first);
  });

  it('re-issues every certificate when the CA present is another one', async () => {
    await issue(['gateway']);
    rmSync(caDir(), { recursive: true });
    expect(await issue(['gateway'])).toEqual({ ca: 'issued', workloads: { gateway: 'issued' } });
    const ca = new X509Certificate(readFileSync(join(caDir(), 'ca.crt')));
    expect(new X509Certificate(read('gateway', 'tls.crt')).verify(ca.publicKey)).toBe(true);
    expect(read('gateway', 'ca.crt')).toBe(readFileSync(join(caDir(), 'ca.crt'), 'utf8'));
  });

  it('runs as a CLI that says what it did, and refuses names that are no DNS label', async () => {
    const captured = { stdout: '', stderr: '' };
    const output = {
      stdout: sink((text) => (captured.stdout += text)),
      stderr: sink((text) => (captured.stderr += text)),
    };
    const args = ['--out', out(), '--ca-dir', caDir(), 'gateway', 'orders-service'];
    expect(await issueCertificatesCli(args, output)).toBe(0);
    expect(await issueCertificatesCli(args, output)).toBe(0);
    expect(captured.stdout).toBe(
      'CA: issued\ngateway: issued\norders-service: issued\nCA: reused\ngateway: reused\norders-service: reused\n',
    );
    expect(await issueCertificatesCli(['--out', out(), 'Not_A/Name'], output)).toBe(2);
    expect(captured.stderr).toContain('invalid workload name(s): Not_A/Name');
    expect(await issueCertificatesCli(['gateway'], output)).toBe(2);
  });
});

function sink(write: (text: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      write(chunk.toString());
      callback();
    },
  });
}
