/**
 * The minimal chain's service: a bare grpc-js server answering users.v1.UsersService/GetUser over the
 * same mutual TLS as the shop (the users service's workload certificate, a client certificate of the
 * same CA required), doing the same checks by the shortest route the libraries offer: the caller's
 * SPIFFE id must be the gateway's, the access token in the metadata is verified with fast-jwt (EdDSA,
 * issuer, audience, cached as the shop's verifier caches), an id other than the token's subject is
 * NOT_FOUND, and the row comes from one SELECT by primary key on a pg pool of 10.
 *
 * Configured by environment (see gateway-chain.ts): MINIMAL_TLS_DIR, MINIMAL_JWT_PUBLIC_KEY, PG*.
 * Prints the bound port on its first line of output.
 */
import { Server, ServerCredentials, status, type handleUnaryCall } from '@grpc/grpc-js';
import { Pool } from 'pg';
import { usersV1 } from '@shop/contracts';
import { readTls, verify } from './setup';

// PG* variables name the database, as they do for the users service.
const pool = new Pool({ max: 10 });
const CALLER = 'URI:spiffe://shop.local/gateway';
const BEARER = 'Bearer ';

const getUser: handleUnaryCall<usersV1.GetUserRequest, usersV1.GetUserResponse> = (call, callback) => {
  const san = call.getAuthContext().sslPeerCertificate?.subjectaltname ?? '';
  if (!san.split(', ').includes(CALLER)) {
    callback({ code: status.PERMISSION_DENIED, details: 'caller not allowed' });
    return;
  }
  const [authorization] = call.metadata.get('authorization');
  let subject: string;
  try {
    if (typeof authorization !== 'string' || !authorization.startsWith(BEARER)) throw new Error('no bearer');
    subject = (verify(authorization.slice(BEARER.length)) as { sub: string }).sub;
  } catch {
    callback({ code: status.UNAUTHENTICATED, details: 'The access token is not valid' });
    return;
  }
  if (call.request.id !== subject) {
    callback({ code: status.NOT_FOUND, details: 'User not found' });
    return;
  }
  pool
    .query<{ id: string; email: string; name: string; created_at: Date }>(
      'SELECT id, email, name, password_hash, created_at FROM users WHERE id = $1',
      [subject],
    )
    .then(
      ({ rows: [row] }) =>
        row
          ? callback(null, {
              user: { id: row.id, email: row.email, name: row.name, createdAt: row.created_at },
            })
          : callback({ code: status.NOT_FOUND, details: 'User not found' }),
      (error: Error) => callback({ code: status.UNAVAILABLE, details: error.message }),
    );
};

const server = new Server();
server.addService(usersV1.UsersServiceService, { getUser });
server.bindAsync(
  '127.0.0.1:0',
  ServerCredentials.createSsl(
    readTls('ca.crt'),
    [{ cert_chain: readTls('tls.crt'), private_key: readTls('tls.key') }],
    true,
  ),
  (error, port) => {
    if (error) throw error;
    process.stdout.write(`${port}\n`);
  },
);
process.on('SIGTERM', () => {
  server.forceShutdown();
  void pool.end().then(() => process.exit(0));
});
