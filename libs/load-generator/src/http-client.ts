/**
 * A lean HTTP/JSON client of the gateway for load: node:http with kept-alive connections and no cap on
 * sockets (an open model needs one connection per request in flight), a deadline per request, and
 * failures turned into values rather than exceptions.
 */
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { readServerSentEvents, type ServerSentEvent } from '@shop/event-stream';

export interface HttpResponse {
  status: number;
  body: unknown;
}

export type HttpResult = { ok: true; response: HttpResponse } | { ok: false; errorKind: string };

export interface RequestOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** How a followed event stream went: its HTTP status, or a failure; `stopped` when the reader had enough. */
export type StreamResult = { ok: true; status: number; stopped: boolean } | { ok: false; errorKind: string };

export interface StreamOptions {
  token?: string;
  /** Gives up after this long, the whole stream included (not the per-request timeout). */
  timeoutMs: number;
  /** Each event as it arrives; `true` stops reading and hangs up. */
  onEvent(event: ServerSentEvent): boolean;
}

export interface HttpClient {
  request(method: string, path: string, options?: RequestOptions): Promise<HttpResult>;
  /** A GET of Server-Sent Events, read until the server ends it or `onEvent` says stop. */
  stream(path: string, options: StreamOptions): Promise<StreamResult>;
  close(): void;
}

export function createHttpClient(baseUrl: string, timeoutMs: number): HttpClient {
  const base = new URL(baseUrl);
  const secure = base.protocol === 'https:';
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets: Infinity })
    : new Agent({ keepAlive: true, maxSockets: Infinity });
  const send = secure ? httpsRequest : httpRequest;
  const prefix = base.pathname.replace(/\/$/, '');

  const request = (method: string, path: string, options: RequestOptions = {}) =>
    new Promise<HttpResult>((resolve) => {
      const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
      if (options.token) headers['authorization'] = `Bearer ${options.token}`;
      const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(Buffer.byteLength(payload));
      }
      let settled = false;
      const finish = (result: HttpResult) => {
        if (settled) return;
        settled = true;
        resolve(result);
      };
      const req = send(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          path: `${prefix}${path}`,
          method,
          headers,
          agent,
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error: NodeJS.ErrnoException) =>
            finish({ ok: false, errorKind: error.code ?? 'response error' }),
          );
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = text ? (JSON.parse(text) as unknown) : undefined;
            } catch {
              // Not JSON (a proxy's error page): kept as text.
            }
            finish({ ok: true, response: { status: res.statusCode ?? 0, body } });
          });
        },
      );
      req.on('timeout', () => {
        finish({ ok: false, errorKind: 'timeout' });
        req.destroy();
      });
      req.on('error', (error: NodeJS.ErrnoException) =>
        finish({ ok: false, errorKind: error.code ?? error.message }),
      );
      req.end(payload);
    });

  const stream = (path: string, options: StreamOptions) =>
    new Promise<StreamResult>((resolve) => {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (options.token) headers['authorization'] = `Bearer ${options.token}`;
      let settled = false;
      const finish = (result: StreamResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(result);
      };
      const read = async (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          res.resume();
          return finish({ ok: true, status: res.statusCode ?? 0, stopped: false });
        }
        for await (const event of readServerSentEvents(res)) {
          if (options.onEvent(event)) {
            finish({ ok: true, status: 200, stopped: true });
            // The rest of the stream is not wanted: the connection goes rather than back to the pool.
            req.destroy();
            return;
          }
        }
        finish({ ok: true, status: 200, stopped: false });
      };
      // No socket timeout: an open stream is quiet between events and heartbeats by design.
      const req = send(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          path: `${prefix}${path}`,
          headers,
          agent,
        },
        (res) => {
          read(res).catch((error: NodeJS.ErrnoException) =>
            finish({ ok: false, errorKind: error.code ?? 'stream error' }),
          );
        },
      );
      const deadline = setTimeout(() => {
        finish({ ok: false, errorKind: 'timeout' });
        req.destroy();
      }, options.timeoutMs);
      req.on('error', (error: NodeJS.ErrnoException) =>
        finish({ ok: false, errorKind: error.code ?? error.message }),
      );
      req.end();
    });

  return { request, stream, close: () => agent.destroy() };
}
