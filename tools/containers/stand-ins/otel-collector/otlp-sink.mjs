// The OTLP/HTTP stand-in: answers every export with success and counts, per sending address, the
// requests per path (/v1/traces, /v1/metrics, /v1/logs), the resource's service.name and the spans per
// kind and name, which shows which replica did the work (the smoke check maps addresses to containers).
// Protobuf is read with a generic wire-format walker, for the few fields it needs:
// ExportTraceServiceRequest.resource_spans(1) → ResourceSpans{resource(1){attributes(1)}, scope_spans(2)
// {spans(2){name(5), kind(6)}}}; KeyValue{key(1), value(2){string_value(1)}}.
import http from 'node:http';
import { gunzipSync } from 'node:zlib';

/** field number → list of values (Buffer for length-delimited, number otherwise). */
function fields(buffer) {
  const out = new Map();
  let at = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = buffer[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (at < buffer.length) {
    const key = varint();
    const [field, type] = [Math.floor(key / 8), key % 8];
    let value;
    if (type === 0) value = varint();
    else if (type === 1) ((value = 0), (at += 8));
    else if (type === 5) ((value = 0), (at += 4));
    else if (type === 2) {
      const length = varint();
      value = buffer.subarray(at, at + length);
      at += length;
    } else break;
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}
const get = (message, field) => fields(message).get(field) ?? [];

// Span.kind (field 6), which the counts prefix to each span name: "CONSUMER:orders.v1.events process".
const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const counts = {};
function record(address, path, body) {
  const entry = (counts[address] ??= { requests: {}, services: [], spans: {} });
  entry.requests[path] = (entry.requests[path] ?? 0) + 1;
  if (path !== '/v1/traces') return;
  for (const resourceSpans of get(body, 1)) {
    for (const resource of get(resourceSpans, 1))
      for (const attribute of get(resource, 1)) {
        const [key] = get(attribute, 1);
        const [value] = get(attribute, 2);
        const [text] = value ? get(value, 1) : [];
        if (key?.toString() === 'service.name' && text && !entry.services.includes(text.toString()))
          entry.services.push(text.toString());
      }
    for (const scopeSpans of get(resourceSpans, 2))
      for (const span of get(scopeSpans, 2)) {
        const name = `${KINDS[get(span, 6)[0] ?? 0]}:${get(span, 5)[0]?.toString() ?? ''}`;
        entry.spans[name] = (entry.spans[name] ?? 0) + 1;
      }
  }
}

http
  .createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/counts') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts));
      return;
    }
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      try {
        let body = Buffer.concat(chunks);
        if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const address = request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '?';
        if ((request.headers['content-type'] ?? '').includes('protobuf'))
          record(address, request.url ?? '', body);
        else record(address, request.url ?? '', Buffer.alloc(0));
      } catch (error) {
        console.error(`otlp stand-in: unreadable export on ${request.url}: ${error.message}`);
      }
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  })
  .listen(4318, '0.0.0.0', () => console.log('otlp stand-in: OTLP/HTTP on 4318'));
