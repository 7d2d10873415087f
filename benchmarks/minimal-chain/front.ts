/**
 * The minimal chain's front: a bare Fastify server (no logger, no plugins) answering GET /v1/users/me
 * as the gateway does: the bearer token verified with fast-jwt (EdDSA, issuer, audience, cached as the
 * shop's verifier caches), then users.v1.UsersService/GetUser on the minimal service over the same
 * mutual TLS as the shop (the gateway's workload certificate, the server checked by its SPIFFE id),
 * the token passed on in the metadata, a 3 s deadline, the user answered as JSON.
 *
 * Configured by environment (see gateway-chain.ts): MINIMAL_TLS_DIR, MINIMAL_JWT_PUBLIC_KEY,
 * MINIMAL_SERVICE_ADDRESS. Prints its URL on its first line of output.
 */
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import Fastify from 'fastify';
import { usersV1 } from '@shop/contracts';
import { env, readTls, verify } from './setup';

const SERVER = 'URI:spiffe://shop.local/users-service';
const users = new usersV1.UsersServiceClient(
  env('MINIMAL_SERVICE_ADDRESS'),
  credentials.createSsl(readTls('ca.crt'), readTls('tls.key'), readTls('tls.crt'), {
    checkServerIdentity: (_host, certificate) =>
      (certificate.subjectaltname ?? '').split(', ').includes(SERVER)
        ? undefined
        : new Error('not the users service'),
  }),
  { 'grpc.ssl_target_name_override': 'users-service' },
);

const getUser = (id: string, metadata: Metadata) =>
  new Promise<usersV1.GetUserResponse>((resolve, reject) => {
    users.getUser(
      { id },
      metadata,
      { deadline: Date.now() + 3_000 },
      (error: ServiceError | null, response) => (error ? reject(error) : resolve(response)),
    );
  });

const app = Fastify({ logger: false });
app.get('/v1/users/me', async (request, reply) => {
  const authorization = request.headers.authorization;
  let subject: string;
  try {
    if (!authorization?.startsWith('Bearer ')) throw new Error('no bearer');
    subject = (verify(authorization.slice(7)) as { sub: string }).sub;
  } catch {
    return reply.code(401).send({ code: 'UNAUTHENTICATED' });
  }
  const metadata = new Metadata();
  metadata.set('authorization', authorization);
  const { user } = await getUser(subject, metadata);
  if (!user?.createdAt) return reply.code(500).send({ code: 'INTERNAL' });
  return { id: user.id, email: user.email, name: user.name, createdAt: user.createdAt.toISOString() };
});
app.listen({ host: '127.0.0.1', port: 0 }).then(
  (address) => process.stdout.write(`${address}\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
process.on('SIGTERM', () => {
  users.close();
  void app.close().then(() => process.exit(0));
});
