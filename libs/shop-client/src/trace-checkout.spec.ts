import type { TraceSpan } from '@shop/trace-tree';
import { findCheckoutTrace, type Checkout } from './trace-checkout';

const span = (overrides: Partial<TraceSpan>): TraceSpan => ({
  traceId: 't-other',
  spanId: 's',
  parentSpanId: undefined,
  name: 'GET /v1/products',
  kind: 2,
  service: 'gateway',
  startTimeUnixNano: '0',
  endTimeUnixNano: '0',
  attributes: {},
  status: { code: 0 },
  links: [],
  ...overrides,
});

const placed = {
  orderId: 'o-1',
  sentAtNano: 1_000_000_000n,
  answeredAtNano: 1_050_000_000n,
} as Checkout;

describe('findCheckoutTrace', () => {
  it("finds the trace whose spans carry the order's id", () => {
    const spans = [span({}), span({ traceId: 't-order', attributes: { 'app.order.id': 'o-1' } })];
    expect(findCheckoutTrace(spans, placed)).toBe('t-order');
  });

  it('else the one whose gateway POST /v1/orders started while the request was in flight', () => {
    const post = { service: 'gateway', kind: 2, name: 'POST /v1/orders' };
    const spans = [
      span({ ...post, traceId: 't-before', startTimeUnixNano: '998000000' }),
      span({ ...post, traceId: 't-client', kind: 3, startTimeUnixNano: '1010000000' }),
      span({ ...post, traceId: 't-during', startTimeUnixNano: '1010000000' }),
    ];
    expect(findCheckoutTrace(spans, placed)).toBe('t-during');
    expect(findCheckoutTrace(spans.slice(0, 2), placed)).toBeUndefined();
  });
});
