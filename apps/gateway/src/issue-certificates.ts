// The certificate job of compose, bundled with the gateway as issue-certificates.js (its image is the
// one that has Node and the bundle): `node issue-certificates.js --out <dir> [--ca-dir <dir>] <workload>...`
import { issueCertificatesCli } from '@shop/service-identity';

void issueCertificatesCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
