import { once, type EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino, type Logger } from 'pino';

/** pino's destination (sonic-boom): `sync` is an option it reads on every write; `_writing` is internal. */
interface SonicBoomLike extends EventEmitter {
  sync: boolean;
  _writing?: boolean;
}

const isSonicBoom = (stream: unknown): stream is SonicBoomLike =>
  typeof stream === 'object' && stream !== null && 'sync' in stream && 'flushSync' in stream;

/** The logger's destinations: its own, or those of the multistream OpenTelemetry's instrumentation wraps it in. */
function destinations(logger: Logger): SonicBoomLike[] {
  // pino keeps its destination under this (exported) symbol; its types do not declare the property.
  const destination: unknown = Reflect.get(logger, pino.symbols.streamSym);
  const streams =
    typeof destination === 'object' && destination !== null && 'streams' in destination
      ? (destination.streams as { stream?: unknown }[]).map((entry) => entry.stream)
      : [destination];
  return streams.filter(isSonicBoom);
}

/**
 * From now on each line is written before the logging call returns; resolves once the write that was in
 * flight, if any, is done (at most `timeoutMs`). A graceful stop calls this first and awaits it before it
 * exits: its last lines are out by then, and an output whose reader is gone (a launcher killed: EPIPE) has
 * been noticed and dropped, as pino does on EPIPE. Otherwise the flush pino runs at exit would retry such a
 * write every 100 ms for ever (sonic-boom 4 retries a failed synchronous flush whatever the error), and
 * the process would never end.
 */
export async function writeLogsSynchronously(logger: Logger, timeoutMs = 1_000): Promise<void> {
  const streams = destinations(logger);
  for (const stream of streams) stream.sync = true;
  const inFlight = streams.filter((stream) => stream._writing === true);
  if (inFlight.length === 0) return;
  const done = new AbortController();
  await Promise.race([
    Promise.all(
      inFlight.map((stream) =>
        Promise.race([once(stream, 'drain', done), once(stream, 'error', done)]).catch(() => undefined),
      ),
    ),
    sleep(timeoutMs, undefined, { ref: false, signal: done.signal }).catch(() => undefined),
  ]);
  done.abort();
}
