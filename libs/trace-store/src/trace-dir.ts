import { appendFile, mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { spansOf, splitByTrace, type OtlpTracesRequest, type TraceSpan } from '@shop/trace-tree';

/*
 * A folder of recent traces, one file per trace named `<traceId>.jsonl`: each line is an OTLP/JSON
 * export holding some of the trace's spans, as they arrived (the OpenTelemetry file exporter's JSON
 * Lines format). Appending a line per arrival needs no merging; Jaeger's UI opens such a file as it is
 * ("Upload" on the search page), and so does anything that reads OTLP/JSON.
 */

const TRACE_FILE = /^([0-9a-f]{32})\.jsonl$/;
const TRACE_ID = /^[0-9a-f]{32}$/;

export interface StoredTrace {
  traceId: string;
  file: string;
  /** When its last spans arrived. */
  modifiedMs: number;
}

/** Appends each trace's part of an export to its file; resolves with the trace ids written. */
export async function appendTraces(dir: string, request: OtlpTracesRequest): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [traceId, part] of splitByTrace(request)) {
    // The id names a file: anything but 32 hex digits (which OTLP/JSON requires) is not taken as one.
    if (!TRACE_ID.test(traceId)) continue;
    await appendFile(join(dir, `${traceId}.jsonl`), `${JSON.stringify(part)}\n`);
    written.push(traceId);
  }
  return written;
}

/** The stored traces, the most recently updated first; none when the folder does not exist yet. */
export async function listStoredTraces(dir: string): Promise<StoredTrace[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const traces = await Promise.all(
    names.flatMap((name) => {
      const traceId = TRACE_FILE.exec(name)?.[1];
      if (!traceId) return [];
      const file = join(dir, name);
      // A file pruned between the listing and the stat is simply not listed.
      return [
        stat(file).then(
          (info) => ({ traceId, file, modifiedMs: info.mtimeMs }),
          () => undefined,
        ),
      ];
    }),
  );
  return traces
    .filter((trace): trace is StoredTrace => trace !== undefined)
    .sort((a, b) => b.modifiedMs - a.modifiedMs);
}

/** The spans of a stored trace file. A line cut short (the app was writing it) is skipped. */
export async function readTraceFile(file: string): Promise<TraceSpan[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return spansOf(JSON.parse(line) as OtlpTracesRequest);
      } catch {
        return [];
      }
    });
}

/** Finds a stored trace by its id or an unambiguous prefix of it (at least 4 hex digits). */
export async function findStoredTrace(dir: string, idOrPrefix: string): Promise<StoredTrace> {
  const prefix = idOrPrefix.toLowerCase();
  if (!/^[0-9a-f]{4,32}$/.test(prefix))
    throw new Error(`"${idOrPrefix}" is not a trace id: expected 4 to 32 hexadecimal digits`);
  const matches = (await listStoredTraces(dir)).filter((trace) => trace.traceId.startsWith(prefix));
  if (matches.length === 0) throw new Error(`no stored trace ${idOrPrefix} in ${dir}`);
  if (matches.length > 1)
    throw new Error(`${idOrPrefix} matches ${matches.length} traces; give more of the id`);
  return matches[0] as StoredTrace;
}

/** Deletes all but the `keep` most recently updated traces; resolves with how many went. */
export async function pruneTraces(dir: string, keep: number): Promise<number> {
  const old = (await listStoredTraces(dir)).slice(keep);
  await Promise.all(old.map((trace) => unlink(trace.file).catch(() => undefined)));
  return old.length;
}
