// Jest loads its global set-up outside the module mapper, so the workspace lib is imported by path here
// (the modules that need no other workspace lib).
/* eslint-disable @nx/enforce-module-boundaries */
import { issueCertificates } from '../../service-identity/src/issue';
import { WORKLOADS } from '../../service-identity/src/spiffe';
/* eslint-enable @nx/enforce-module-boundaries */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the run's test certificates are (set by the global set-up for every test process). */
export const CERTIFICATES_DIR_VARIABLE = 'SHOP_TEST_CERTIFICATES_DIR';

/** A workload name the CA signs but no caller table lists: a workload of ours that is not expected. */
export const UNKNOWN_WORKLOAD = 'intruder';

/**
 * Issues, into a new temporary directory, what the tests use: a CA with every workload and
 * UNKNOWN_WORKLOAD (`ours/<name>`), and a second CA with the same names (`foreign/<name>`), by the same
 * code as the stack's and compose's. Resolves with the directory.
 */
export async function issueTestCertificates(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'shop-test-certs-'));
  const workloads = [...WORKLOADS, UNKNOWN_WORKLOAD];
  await issueCertificates({ outDir: join(dir, 'ours'), caDir: join(dir, 'ca'), workloads });
  await issueCertificates({ outDir: join(dir, 'foreign'), caDir: join(dir, 'foreign-ca'), workloads });
  return dir;
}
