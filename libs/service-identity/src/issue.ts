import { ensureWorkloadCertificate, loadOrCreateCa, type IssueOutcome } from './certificates';

export interface IssueOptions {
  /** Where each workload's directory is written. */
  outDir: string;
  /** Where the CA lives (its key stays here); defaults to `<outDir>/ca`. */
  caDir?: string;
  workloads: readonly string[];
  now?: Date;
}

export interface IssueReport {
  ca: IssueOutcome;
  workloads: Record<string, IssueOutcome>;
}

/** The CA and a certificate per workload, each made only when missing, expiring soon or not the CA's. */
export async function issueCertificates(options: IssueOptions): Promise<IssueReport> {
  const now = options.now ?? new Date();
  const { ca, outcome } = await loadOrCreateCa(options.caDir ?? `${options.outDir}/ca`, now);
  const workloads: Record<string, IssueOutcome> = {};
  for (const workload of options.workloads) {
    workloads[workload] = await ensureWorkloadCertificate(ca, options.outDir, workload, now);
  }
  return { ca: outcome, workloads };
}
