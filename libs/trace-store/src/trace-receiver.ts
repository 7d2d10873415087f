import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { OtlpTracesRequest } from '@shop/trace-tree';
import { appendTraces, pruneTraces } from './trace-dir';

export interface TraceReceiverOptions {
  /** Where the traces are kept (see trace-dir.ts). */
  dir: string;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** How many traces to keep; the least recently updated go first (default 1000). */
  keep?: number;
}

export interface TraceReceiver {
  /** `OTEL_EXPORTER_OTLP_ENDPOINT` for the apps, with `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`. */
  endpoint: string;
  stop(): Promise<void>;
}

// Well above the SDK's largest batch (512 spans of a few kB each).
const MAX_BODY_BYTES = 16 * 1024 * 1024;
// Pruning lists the folder: done once per this many appended batches, not on every export.
const PRUNE_EVERY = 200;

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RequestError(413, `an export is at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function answer(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * An OTLP/HTTP receiver (JSON encoding) that keeps traces on disk: what the native stack runs when no
 * collector is given, so that `npm run traces` can show every trace without Docker. Metrics and logs
 * are accepted and dropped (the stack turns their export off; a dashboard needs compose's Prometheus).
 */
export function startTraceReceiver(options: TraceReceiverOptions): Promise<TraceReceiver> {
  const keep = options.keep ?? 1000;
  let batches = 0;
  let pruning: Promise<unknown> = Promise.resolve();

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'POST') throw new RequestError(405, 'OTLP/HTTP exports are POSTed');
    if (request.url === '/v1/metrics' || request.url === '/v1/logs') {
      request.resume();
      return answer(response, 200, {});
    }
    if (request.url !== '/v1/traces') throw new RequestError(404, `no OTLP signal at ${request.url}`);
    if (!request.headers['content-type']?.startsWith('application/json'))
      throw new RequestError(
        415,
        'this receiver reads OTLP/JSON only: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json in the exporter',
      );
    let export_: OtlpTracesRequest;
    try {
      export_ = JSON.parse(await readBody(request)) as OtlpTracesRequest;
    } catch (error) {
      if (error instanceof RequestError) throw error;
      throw new RequestError(400, 'the body is not JSON');
    }
    await appendTraces(options.dir, export_);
    if (++batches % PRUNE_EVERY === 0) pruning = pruning.then(() => pruneTraces(options.dir, keep));
    answer(response, 200, {});
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status = error instanceof RequestError ? error.status : 500;
      if (status === 413) response.setHeader('connection', 'close');
      answer(response, status, { message: error instanceof Error ? error.message : String(error) });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        endpoint: `http://${options.host ?? '127.0.0.1'}:${port}`,
        stop: async () => {
          await new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          });
          await pruning;
          await pruneTraces(options.dir, keep);
        },
      });
    });
  });
}
