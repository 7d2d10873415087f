import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WORKSPACE_ROOT } from './app-builds';

/**
 * Issues the run's workload certificates (and the development CA, once) with the certificate job that
 * the gateway's build bundles, as compose's job does. In a process of its own: the X.509 library it
 * loads (about 18 MiB) is gone once it is done, rather than kept in the launcher as long as the stack runs.
 */
export async function issueStackCertificates(options: {
  outDir: string;
  caDir: string;
  workloads: readonly string[];
}): Promise<void> {
  const job = join(WORKSPACE_ROOT, 'dist', 'apps', 'gateway', 'issue-certificates.js');
  await promisify(execFile)(process.execPath, [
    job,
    ...['--out', options.outDir, '--ca-dir', options.caDir],
    ...options.workloads,
  ]);
}
