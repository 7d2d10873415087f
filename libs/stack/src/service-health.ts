import { connect } from 'node:http2';
import { connect as connectTcp } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSecureContext, type PeerCertificate, type SecureContext } from 'node:tls';
import { workloadOf, type TlsMaterial } from '@shop/service-identity';

const POLL_INTERVAL_MS = 100;
const ATTEMPT_TIMEOUT_MS = 1_000;
// A gRPC message frame (not compressed, 4-byte length) holding HealthCheckRequest { service: '' }, which
// encodes to no bytes; HealthCheckResponse { status: SERVING } encodes to 08 01.
const CHECK_REQUEST = Buffer.alloc(5);
const SERVING = Buffer.from([0, 0, 0, 0, 2, 0x08, 0x01]);

/**
 * One grpc.health.v1.Health/Check of the whole server, over mutual TLS as the launcher's workload:
 * whether `workload` answers SERVING at `address`. Made with Node's HTTP/2 client rather than gRPC's:
 * @grpc/grpc-js would stay loaded in the launcher (about 15 MiB) as long as the stack runs, for the
 * few seconds of its start.
 */
function checkOnce(address: string, secureContext: SecureContext, workload: string): Promise<boolean> {
  return new Promise((resolve) => {
    const session = connect(`https://${address}`, {
      secureContext,
      // The server is known by its SPIFFE id, not its address (see mtlsClientSecurity).
      servername: workload,
      checkServerIdentity: (_host: string, certificate: PeerCertificate) =>
        workloadOf(certificate) === workload ? undefined : new Error(`${address} is not ${workload}`),
    });
    const done = (serving: boolean) => {
      session.destroy();
      resolve(serving);
    };
    session.on('error', () => done(false));
    session.setTimeout(ATTEMPT_TIMEOUT_MS, () => done(false));
    const stream = session.request({
      ':method': 'POST',
      ':path': '/grpc.health.v1.Health/Check',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', () => done(false));
    // A failed call ends with no message (its status is in the trailers): not SERVING either.
    stream.on('end', () => done(Buffer.concat(chunks).equals(SERVING)));
    stream.end(CHECK_REQUEST);
  });
}

/** Whether something accepts connections at `address` (host:port) yet. */
function listening(address: string): Promise<boolean> {
  const [host, port] = address.split(':') as [string, string];
  return new Promise((resolve) => {
    const socket = connectTcp(Number(port), host);
    socket.setTimeout(ATTEMPT_TIMEOUT_MS, () => socket.destroy());
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    // A refused connection: 'close' follows and answers.
    socket.on('error', () => undefined);
    socket.once('close', () => resolve(false));
  });
}

/**
 * Resolves once `workload` at `address` reports SERVING; rejects after `timeoutMs`. While the port is
 * still closed it only tries TCP: a TLS attempt per poll, with its handshake state, left the launcher
 * some 15 MiB larger after a start.
 */
export async function waitUntilServiceServes(
  address: string,
  timeoutMs: number,
  tls: TlsMaterial,
  workload: string,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  const secureContext = createSecureContext({ ca: tls.ca, cert: tls.certificate, key: tls.key });
  while (!((await listening(address)) && (await checkOnce(address, secureContext, workload)))) {
    if (Date.now() + POLL_INTERVAL_MS >= until)
      throw new Error(`${address} is not serving after ${timeoutMs} ms`);
    await sleep(POLL_INTERVAL_MS);
  }
}
