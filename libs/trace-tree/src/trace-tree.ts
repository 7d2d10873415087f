/**
 * Turns the flat list of spans a trace backend receives into the tree a person reads: each span under
 * its parent, siblings in start order, with the attributes that tell the story of a checkout. Pure
 * functions over plain data, shared by the tracing end-to-end tests, `npm run traces` and the tracing
 * tools.
 */

/** The fields of a received OTLP span this module reads (the testing lib's `ReceivedSpan` fits). */
export interface TraceSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  service: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, string | number | boolean>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
  links: { traceId: string; spanId: string }[];
}

export interface TraceNode {
  span: TraceSpan;
  children: TraceNode[];
}

export interface TraceTree {
  /** Spans without a parent: one per trace when a trace is whole. */
  roots: TraceNode[];
  /** Spans whose parent was not received: a broken propagation, or a span still in an exporter. */
  orphans: TraceNode[];
}

export const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
export const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;

export const KIND_NAMES: Record<number, string> = {
  1: 'internal',
  2: 'server',
  3: 'client',
  4: 'producer',
  5: 'consumer',
};

/** The attributes worth a place in the rendered line, in this order; `app.*` ones come first. */
export const INTERESTING_ATTRIBUTES = [
  'http.request.method',
  'http.route',
  'http.response.status_code',
  'http.status_code',
  'rpc.method',
  'rpc.grpc.status_code',
  'messaging.destination.name',
  'messaging.batch.message_count',
  'db.namespace',
  'db.name',
  'db.operation.name',
  'db.query.text',
  'db.statement',
] as const;

/** Long values (SQL) are cut to this many characters, with whitespace runs collapsed. */
const MAX_VALUE_LENGTH = 48;

function shown(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  const flat = value.replace(/\s+/g, ' ').trim();
  const short = flat.length > MAX_VALUE_LENGTH ? `${flat.slice(0, MAX_VALUE_LENGTH - 1)}…` : flat;
  return /\s/.test(short) ? JSON.stringify(short) : short;
}

const startOf = (span: TraceSpan): bigint => BigInt(span.startTimeUnixNano || '0');

/** Duration in milliseconds, from the nanosecond strings OTLP/JSON carries. */
export function durationMs(span: TraceSpan): number {
  return Number(BigInt(span.endTimeUnixNano || '0') - startOf(span)) / 1e6;
}

const byStart = (a: TraceNode, b: TraceNode): number => {
  const difference = startOf(a.span) - startOf(b.span);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
};

/**
 * Builds the parent/child tree of the given spans (one trace or several). A span is keyed by trace
 * and span id together, so the same span id in two traces cannot mislink. A span received twice (an
 * exporter retry) is kept once.
 */
export function buildTraceTree(spans: readonly TraceSpan[]): TraceTree {
  const key = (traceId: string, spanId: string) => `${traceId}/${spanId}`;
  const nodes = new Map<string, TraceNode>();
  for (const span of spans) {
    const id = key(span.traceId, span.spanId);
    if (!nodes.has(id)) nodes.set(id, { span, children: [] });
  }
  const roots: TraceNode[] = [];
  const orphans: TraceNode[] = [];
  for (const node of nodes.values()) {
    const { parentSpanId, traceId } = node.span;
    if (!parentSpanId) {
      roots.push(node);
      continue;
    }
    const parent = nodes.get(key(traceId, parentSpanId));
    if (parent) parent.children.push(node);
    else orphans.push(node);
  }
  const sortDeep = (list: TraceNode[]) => {
    list.sort(byStart);
    for (const node of list) sortDeep(node.children);
  };
  sortDeep(roots);
  sortDeep(orphans);
  return { roots, orphans };
}

/** The tree's spans, depth first, in the order the rendering shows them. */
export function flattenTree(nodes: readonly TraceNode[]): TraceSpan[] {
  return nodes.flatMap((node) => [node.span, ...flattenTree(node.children)]);
}

/** The span's `app.*` attributes and the transport ones worth reading, as `name=value` pairs. */
export function describeAttributes(span: TraceSpan): string {
  const appAttributes = Object.keys(span.attributes)
    .filter((name) => name.startsWith('app.'))
    .sort();
  // Transport attributes whose value the span's name already says ("POST /v1/orders",
  // "send orders.v1.events", "pg.query:INSERT shop_orders") would only repeat it.
  const transport = INTERESTING_ATTRIBUTES.filter(
    (name) => name in span.attributes && !span.name.includes(String(span.attributes[name])),
  );
  return [...appAttributes, ...transport]
    .map((name) => `${name}=${shown(span.attributes[name] ?? '')}`)
    .join(' ');
}

export interface TreeDrawing {
  /** The node's line, given its lead: the tree's guides and branch (`│  ├─ `). */
  line(node: TraceNode, lead: string): string;
  /** Lines under the node (before its children), given the indent that keeps the guides going. */
  below(node: TraceNode, indent: string): string[];
}

/**
 * Draws a trace tree one line per span, children under their parent with box-drawing guides; the
 * orphans follow the roots under a heading of their own. Each renderer says what a line holds.
 */
export function drawTree(tree: TraceTree, drawing: TreeDrawing): string[] {
  const lines: string[] = [];
  const walk = (nodes: readonly TraceNode[], prefix: string, top: boolean) => {
    nodes.forEach((node, index) => {
      const last = index === nodes.length - 1;
      const branch = top ? '' : last ? '└─ ' : '├─ ';
      lines.push(drawing.line(node, `${prefix}${branch}`));
      const childPrefix = top ? '' : `${prefix}${last ? '   ' : '│  '}`;
      lines.push(...drawing.below(node, `${childPrefix}${node.children.length > 0 ? '│  ' : '   '}`));
      walk(node.children, childPrefix, false);
    });
  };
  walk(tree.roots, '', true);
  if (tree.orphans.length > 0) {
    lines.push('', 'Orphans (their parent span was not received):');
    walk(tree.orphans, '', true);
  }
  return lines;
}

export interface RenderOptions {
  /** Show each span's start relative to the earliest span (default true). */
  offsets?: boolean;
}

/**
 * Renders spans as an indented tree, one line per span:
 * `[service] name (kind) duration +offset attributes`, ERROR spans marked with their message, links
 * listed under the span (named when the linked span is among those rendered). Orphans follow the
 * roots under a heading of their own.
 */
export function renderTraceTree(spans: readonly TraceSpan[], options: RenderOptions = {}): string {
  const showOffsets = options.offsets ?? true;
  const tree = buildTraceTree(spans);
  const earliest = spans.reduce<bigint | undefined>(
    (min, span) => (min === undefined || startOf(span) < min ? startOf(span) : min),
    undefined,
  );
  const byId = new Map(spans.map((span) => [`${span.traceId}/${span.spanId}`, span]));

  const line = (span: TraceSpan): string => {
    const parts = [`[${span.service}]`, span.name];
    const kind = KIND_NAMES[span.kind];
    if (kind && kind !== 'internal') parts.push(`(${kind})`);
    parts.push(`${durationMs(span).toFixed(1)} ms`);
    if (showOffsets && earliest !== undefined)
      parts.push(`@+${(Number(startOf(span) - earliest) / 1e6).toFixed(1)} ms`);
    const attributes = describeAttributes(span);
    if (attributes) parts.push(attributes);
    if (span.status.code === STATUS_CODE.error)
      parts.push(`!! ERROR${span.status.message ? `: ${span.status.message}` : ''}`);
    return parts.join('  ');
  };

  const lines = drawTree(tree, {
    line: (node, lead) => `${lead}${line(node.span)}`,
    below: (node, indent) =>
      node.span.links.map((link) => {
        const target = byId.get(`${link.traceId}/${link.spanId}`);
        const where = target
          ? `${target.service}: ${target.name}`
          : `trace ${link.traceId} span ${link.spanId}`;
        return `${indent}↪ link to ${where}`;
      }),
  });
  return lines.join('\n');
}
