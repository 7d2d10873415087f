// An OTLP/HTTP receiver that reads every request body and throws it away: the cheapest possible
// collector, run as its own process so its CPU is not charged to the load generator.
// `node benchmarks/otlp-sink.mjs [port]` prints `listening <port>` once it accepts connections.
// GET /stats answers the counters so far (requests and bytes per signal).
import { createServer } from 'node:http';

const stats = {
  traces: { requests: 0, bytes: 0 },
  metrics: { requests: 0, bytes: 0 },
  logs: { requests: 0, bytes: 0 },
  other: { requests: 0, bytes: 0 },
};

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/stats') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(stats));
    return;
  }
  const signal = request.url?.startsWith('/v1/traces')
    ? 'traces'
    : request.url?.startsWith('/v1/metrics')
      ? 'metrics'
      : request.url?.startsWith('/v1/logs')
        ? 'logs'
        : 'other';
  let bytes = 0;
  request.on('data', (chunk) => (bytes += chunk.length));
  request.on('end', () => {
    stats[signal].requests += 1;
    stats[signal].bytes += bytes;
    // An empty Export*ServiceResponse: zero bytes in protobuf, `{}` in JSON.
    const json = (request.headers['content-type'] ?? '').includes('json');
    response.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
    response.end(json ? '{}' : undefined);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
