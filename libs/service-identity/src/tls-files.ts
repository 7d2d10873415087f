import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Apart from certificates.ts and credentials.ts, so that reading a workload's files loads neither the
// X.509 library that issuing them needs nor gRPC.

/** The files of a CA directory (the key never leaves it) and of a workload's directory. */
export const CA_FILES = { certificate: 'ca.crt', key: 'ca.key' } as const;
export const TLS_FILES = { certificate: 'tls.crt', key: 'tls.key', ca: 'ca.crt' } as const;

/** A workload's TLS material as a GRPC_TLS_DIR holds it (a cert-manager TLS Secret's layout). */
export interface TlsMaterial {
  certificate: Buffer;
  key: Buffer;
  ca: Buffer;
}

/** Reads tls.crt, tls.key and ca.crt; a missing or unreadable file fails with the path it wanted. */
export function readTlsDir(dir: string): TlsMaterial {
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name));
    } catch (error) {
      throw new Error(`GRPC_TLS_DIR: cannot read ${join(dir, name)}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };
  return { certificate: read(TLS_FILES.certificate), key: read(TLS_FILES.key), ca: read(TLS_FILES.ca) };
}
