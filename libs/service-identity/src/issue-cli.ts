import { parseArgs } from 'node:util';
import { issueCertificates } from './issue';
import { isWorkloadName } from './spiffe';

export const ISSUE_USAGE = 'usage: issue-certificates --out <dir> [--ca-dir <dir>] <workload>...';

/**
 * `issue-certificates --out <dir> [--ca-dir <dir>] <workload>...`: the development CA and a certificate
 * per workload, `<dir>/<workload>/{tls.crt,tls.key,ca.crt}`; the CA (and its key) stays in --ca-dir,
 * by default `<dir>/ca`. Run again, it reuses what is there and only issues what is missing, expiring
 * soon or not signed by the CA present. Resolves with the exit code.
 */
export async function issueCertificatesCli(
  argv: readonly string[],
  output: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { out: { type: 'string' }, 'ca-dir': { type: 'string' }, help: { type: 'boolean' } },
    });
  } catch (error) {
    output.stderr.write(`${(error as Error).message}\n${ISSUE_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    output.stdout.write(`${ISSUE_USAGE}\n`);
    return 0;
  }
  const invalid = positionals.filter((name) => !isWorkloadName(name));
  if (!values.out || positionals.length === 0 || invalid.length > 0) {
    const problem = invalid.length > 0 ? `invalid workload name(s): ${invalid.join(', ')}\n` : '';
    output.stderr.write(`${problem}${ISSUE_USAGE}\n`);
    return 2;
  }
  const caDir = values['ca-dir'];
  try {
    const report = await issueCertificates({
      outDir: values.out,
      ...(caDir !== undefined && { caDir }),
      workloads: positionals,
    });
    output.stdout.write(`CA: ${report.ca}\n`);
    for (const [workload, outcome] of Object.entries(report.workloads)) {
      output.stdout.write(`${workload}: ${outcome}\n`);
    }
    return 0;
  } catch (error) {
    output.stderr.write(`issue-certificates: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
