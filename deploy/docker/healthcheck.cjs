// The container health probe of every app image (Dockerfile HEALTHCHECK): exits 0 when the app serves.
//
// - gateway: GET /readyz, which answers 200 only when every service behind it is reachable (the
//   monolith too: the same API, ready while its modules reach their database);
// - services: the standard gRPC health check, grpc.health.v1.Health/Check for the whole server (""),
//   made with the image's own @grpc/grpc-js (grpc_health_probe is not in the image). On GRPC_PROBE_PORT
//   when set: the plaintext port that serves only health, since GRPC_PORT wants a client certificate
//   the probe does not have. Otherwise on GRPC_PORT, in plaintext (GRPC_INSECURE=true).
//
// Which app it is comes from SHOP_APP (set by the Dockerfile); ports from the app's own variables.
'use strict';

const DEFAULT_PORTS = {
  gateway: 8080,
  'users-service': 50051,
  'orders-service': 50052,
  'payments-service': 50053,
  'email-service': 50054,
  monolith: 8080,
};
const TIMEOUT_MS = Number(process.env.HEALTHCHECK_TIMEOUT_MS || 3000);
const app = process.env.SHOP_APP || '';

function done(healthy, message) {
  (healthy ? process.stdout : process.stderr).write(`${app}: ${message}\n`);
  process.exit(healthy ? 0 : 1);
}

function checkGateway() {
  const port = process.env.GATEWAY_PORT || DEFAULT_PORTS.gateway;
  fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(TIMEOUT_MS) }).then(
    (response) => done(response.ok, `GET /readyz ${response.status}`),
    (error) => done(false, `GET /readyz failed: ${error.message}`),
  );
}

function checkGrpc() {
  const grpc = require('@grpc/grpc-js');
  const port = process.env.GRPC_PROBE_PORT || process.env.GRPC_PORT || DEFAULT_PORTS[app];
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  // HealthCheckRequest{service: ""} encodes to zero bytes; HealthCheckResponse{status: SERVING (1)} to 08 01.
  client.makeUnaryRequest(
    '/grpc.health.v1.Health/Check',
    () => Buffer.alloc(0),
    (bytes) => bytes,
    Buffer.alloc(0),
    { deadline: Date.now() + TIMEOUT_MS },
    (error, response) => {
      client.close();
      if (error) return done(false, `health check failed: ${error.message}`);
      const serving = response.length === 2 && response[0] === 0x08 && response[1] === 0x01;
      done(serving, serving ? 'SERVING' : `not serving (status bytes ${response.toString('hex') || 'none'})`);
    },
  );
}

// The monolith serves the gateway's API, /readyz included, on the same port variable.
if (app === 'gateway' || app === 'monolith') checkGateway();
else if (app in DEFAULT_PORTS) checkGrpc();
else done(false, `unknown SHOP_APP "${app}"`);
