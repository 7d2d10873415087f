import { mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  appendTraces,
  listStoredTraces,
  pruneTraces,
  runTracesCli,
  startTraceReceiver,
  type TraceReceiver,
} from '../src';

/** Runs `npm run traces` in-process and captures what it prints. */
async function traces(dir: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTracesCli(args, dir, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    columns: 140,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const hexId = (digit: string) => digit.repeat(32);

function exportOf(traceId: string, name: string, service = 'gateway') {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId,
                spanId: '1'.repeat(16),
                name,
                kind: 2,
                startTimeUnixNano: '1700000000000000000',
                endTimeUnixNano: '1700000000250000000',
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('the native trace store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'traces-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  describe('receiving what the OpenTelemetry SDK exports', () => {
    let receiver: TraceReceiver;
    beforeEach(async () => {
      receiver = await startTraceReceiver({ dir });
    });
    afterEach(() => receiver.stop());

    it('keeps each trace in a file of its own that lists and draws as a waterfall', async () => {
      const workspace = join(__dirname, '../../..');
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', join(__dirname, 'emit-traces.ts')],
        {
          cwd: workspace,
          // Configured exactly as the native stack configures its apps.
          env: {
            ...process.env,
            TSX_TSCONFIG_PATH: join(workspace, 'tsconfig.base.json'),
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
            OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
            OTEL_METRICS_EXPORTER: 'none',
            OTEL_LOGS_EXPORTER: 'none',
            OTEL_SDK_DISABLED: 'false',
          },
        },
      );
      const ids = stdout.trim().split('\n');
      expect(ids).toHaveLength(2);

      expect((await listStoredTraces(dir)).map((stored) => stored.traceId).sort()).toEqual([...ids].sort());
      const list = await traces(dir);
      expect(list.code).toBe(0);
      expect(list.out).toContain(`checkout-test: POST /v1/orders first`);
      expect(list.out).toContain(`2 spans`);

      const errorsOnly = await traces(dir, '--errors');
      expect(errorsOnly.out).toContain('POST /v1/orders second');
      expect(errorsOnly.out).not.toContain('POST /v1/orders first');

      const waterfall = await traces(dir, (ids[1] as string).slice(0, 8));
      expect(waterfall.code).toBe(0);
      const lines = waterfall.out.split('\n');
      const childLine = lines.find((line) => line.includes('└─ charge card'));
      expect(childLine).toMatch(/checkout-test\s+\d+(\.\d)? ms\s+ *█+/);
      expect(waterfall.out).toContain('ERROR card declined');
    });

    it('refuses protobuf exports with the setting that fixes it, and keeps nothing', async () => {
      const response = await fetch(`${receiver.endpoint}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: new Uint8Array([1, 2, 3]),
      });
      expect(response.status).toBe(415);
      expect(((await response.json()) as { message: string }).message).toContain('http/json');
      expect(await readdir(dir)).toEqual([]);
    });

    it('answers a body that is not JSON with 400, and accepts metrics without keeping them', async () => {
      const bad = await fetch(`${receiver.endpoint}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"resourceSpans": [',
      });
      expect(bad.status).toBe(400);
      const metrics = await fetch(`${receiver.endpoint}/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"resourceMetrics": []}',
      });
      expect(metrics.status).toBe(200);
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it('appends the parts of one trace that arrive separately to the same file, one export per line', async () => {
    await appendTraces(dir, exportOf(hexId('a'), 'POST /v1/orders', 'gateway'));
    await appendTraces(dir, exportOf(hexId('a'), 'send mail', 'email-service'));
    const lines = (await readFile(join(dir, `${hexId('a')}.jsonl`), 'utf8')).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line) as object)).toHaveLength(2);
    expect((await traces(dir, '--service', 'email-service')).out).toContain(hexId('a'));
  });

  it('keeps only the most recently updated traces when pruned', async () => {
    for (const digit of ['a', 'b', 'c']) await appendTraces(dir, exportOf(hexId(digit), digit));
    const old = new Date(Date.now() - 60_000);
    await utimes(join(dir, `${hexId('a')}.jsonl`), old, old);
    expect(await pruneTraces(dir, 2)).toBe(1);
    expect((await listStoredTraces(dir)).map((stored) => stored.traceId).sort()).toEqual([
      hexId('b'),
      hexId('c'),
    ]);
  });

  it('says clearly when a filter, an id or a duration does not fit', async () => {
    await appendTraces(dir, exportOf(hexId('a'), 'GET /v1/products'));
    await appendTraces(dir, exportOf('a'.repeat(31) + 'b', 'GET /v1/orders'));
    const refusals: [string[], string][] = [
      [['--min-duration', 'soon'], 'not a duration'],
      [['--min-duration', '1s'], 'none of the 2 traces'],
      [['aaaa'], 'matches 2'],
      [['ffff'], 'no stored trace'],
      [['zz'], 'not a trace id'],
    ];
    for (const [args, message] of refusals) {
      const result = await traces(dir, ...args);
      expect({ args, code: result.code }).toEqual({ args, code: 1 });
      expect(result.err).toContain(message);
    }
    expect((await traces(join(dir, 'none'))).err).toContain('npm run stack');
  });
});
