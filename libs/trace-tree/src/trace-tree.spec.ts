import { buildTraceTree, durationMs, flattenTree, renderTraceTree, type TraceSpan } from './trace-tree';

const TRACE = 'a'.repeat(32);
const OTHER_TRACE = 'b'.repeat(32);

function span(overrides: Partial<TraceSpan> & Pick<TraceSpan, 'spanId' | 'name'>): TraceSpan {
  return {
    traceId: TRACE,
    parentSpanId: undefined,
    kind: 1,
    service: 'gateway',
    startTimeUnixNano: '1000000000',
    endTimeUnixNano: '1002000000',
    attributes: {},
    status: { code: 0 },
    links: [],
    ...overrides,
  };
}

const at = (ms: number) => String(1_000_000_000 + ms * 1_000_000);

describe('the trace tree', () => {
  const checkout = [
    span({
      spanId: 'c2',
      parentSpanId: 'r',
      name: 'send orders.v1.events',
      kind: 4,
      startTimeUnixNano: at(9),
      endTimeUnixNano: at(10),
      service: 'orders-service',
    }),
    span({
      spanId: 'r',
      name: 'POST /v1/orders',
      kind: 2,
      startTimeUnixNano: at(0),
      endTimeUnixNano: at(12),
      attributes: { 'http.route': '/v1/orders', 'http.response.status_code': 202 },
    }),
    span({
      spanId: 'c1',
      parentSpanId: 'r',
      name: 'orders.v1.OrdersService/CreateOrder',
      kind: 3,
      startTimeUnixNano: at(1),
      endTimeUnixNano: at(8),
      attributes: { 'rpc.method': 'CreateOrder', 'rpc.grpc.status_code': 0 },
    }),
    span({
      spanId: 'g',
      parentSpanId: 'c1',
      name: 'pg.query:INSERT shop_orders',
      kind: 3,
      service: 'orders-service',
      startTimeUnixNano: at(2),
      endTimeUnixNano: at(3),
      attributes: {
        'db.name': 'shop_orders',
        'db.statement':
          'INSERT INTO outbox (event_id, event_type, topic, message_key, envelope, trace_context)\n  VALUES ($1, $2, $3, $4, $5, $6)',
      },
    }),
  ];

  it('puts each span under its parent, siblings in the order they started', () => {
    const { roots, orphans } = buildTraceTree(checkout);
    expect(orphans).toEqual([]);
    expect(roots.map((node) => node.span.spanId)).toEqual(['r']);
    expect(roots[0]?.children.map((node) => node.span.spanId)).toEqual(['c1', 'c2']);
    expect(roots[0]?.children[0]?.children.map((node) => node.span.spanId)).toEqual(['g']);
    expect(flattenTree(roots).map((s) => s.spanId)).toEqual(['r', 'c1', 'g', 'c2']);
  });

  it('reports a span whose parent never arrived as an orphan, not as a root', () => {
    const { roots, orphans } = buildTraceTree([
      ...checkout,
      span({ spanId: 'lost', parentSpanId: 'missing', name: 'process orders.v1.events', kind: 5 }),
    ]);
    expect(roots).toHaveLength(1);
    expect(orphans.map((node) => node.span.spanId)).toEqual(['lost']);
  });

  it('keeps traces apart even when span ids repeat, and a span received twice once', () => {
    const { roots } = buildTraceTree([
      ...checkout,
      checkout[1] as TraceSpan,
      span({ traceId: OTHER_TRACE, spanId: 'r', name: 'GET /v1/orders/:id', kind: 2 }),
      span({ traceId: OTHER_TRACE, spanId: 'c1', parentSpanId: 'r', name: 'GetOrder', kind: 3 }),
    ]);
    expect(roots).toHaveLength(2);
    expect(flattenTree(roots)).toHaveLength(6);
    const other = roots.find((node) => node.span.traceId === OTHER_TRACE);
    expect(other?.children.map((node) => node.span.name)).toEqual(['GetOrder']);
  });

  it('measures durations in milliseconds from nanosecond timestamps', () => {
    expect(durationMs(checkout[1] as TraceSpan)).toBe(12);
  });

  it('renders an indented tree with service, name, kind, duration and the attributes the name does not already say', () => {
    const text = renderTraceTree(checkout, { offsets: false });
    expect(text.split('\n')).toEqual([
      '[gateway]  POST /v1/orders  (server)  12.0 ms  http.response.status_code=202',
      '├─ [gateway]  orders.v1.OrdersService/CreateOrder  (client)  7.0 ms  rpc.grpc.status_code=0',
      '│  └─ [orders-service]  pg.query:INSERT shop_orders  (client)  1.0 ms  db.statement="INSERT INTO outbox (event_id, event_type, topic…"',
      '└─ [orders-service]  send orders.v1.events  (producer)  1.0 ms',
    ]);
  });

  it('lists business attributes first, marks errors, and names the spans a link points to', () => {
    const producer = span({
      spanId: 'p',
      name: 'send payments.v1.events',
      kind: 4,
      service: 'payments-service',
    });
    const consumer = span({
      traceId: OTHER_TRACE,
      spanId: 'k',
      name: 'process payments.v1.events',
      kind: 5,
      service: 'orders-service',
      startTimeUnixNano: at(5),
      endTimeUnixNano: at(6),
      attributes: { 'messaging.destination.name': 'payments.v1.events', 'app.order.id': 'o-1' },
      links: [
        { traceId: TRACE, spanId: 'p' },
        { traceId: 'c'.repeat(32), spanId: 'x' },
      ],
    });
    const charge = span({
      spanId: 'e',
      parentSpanId: 'p',
      name: 'payment-provider charge',
      service: 'payments-service',
      attributes: { 'app.payment.outcome': 'declined' },
      status: { code: 2, message: 'card_declined' },
    });
    const lines = renderTraceTree([producer, consumer, charge]).split('\n');
    expect(lines).toContain(
      '[orders-service]  process payments.v1.events  (consumer)  1.0 ms  @+5.0 ms  app.order.id=o-1',
    );
    expect(lines).toContain('   ↪ link to payments-service: send payments.v1.events');
    expect(lines).toContain(`   ↪ link to trace ${'c'.repeat(32)} span x`);
    expect(lines).toContain(
      '└─ [payments-service]  payment-provider charge  2.0 ms  @+0.0 ms  app.payment.outcome=declined  !! ERROR: card_declined',
    );
  });

  it('renders orphans after the roots, under a heading', () => {
    const text = renderTraceTree([
      ...checkout,
      span({ spanId: 'lost', parentSpanId: 'missing', name: 'process orders.v1.events', kind: 5 }),
    ]);
    expect(text).toContain(
      'Orphans (their parent span was not received):\n[gateway]  process orders.v1.events  (consumer)',
    );
  });
});
