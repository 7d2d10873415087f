/**
 * Issues the development CA and workload certificates for gRPC mutual TLS (see issue-cli.ts):
 *
 *   npx tsx --tsconfig tsconfig.base.json libs/service-identity/src/cli.ts --out <dir> [--ca-dir <dir>] <workload>...
 *
 * The gateway's image carries the same command as issue-certificates.js.
 */
import { issueCertificatesCli } from './issue-cli';

void issueCertificatesCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
