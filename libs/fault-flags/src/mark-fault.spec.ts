import { metrics, type Attributes, type MeterProvider, type Span } from '@opentelemetry/api';
import { markFault } from './fault-flags';

describe('markFault', () => {
  it('marks the span with an attribute and an event, and counts the fault by name', () => {
    const counted: Array<[number, Attributes | undefined]> = [];
    const counter = { add: (value: number, attributes?: Attributes) => counted.push([value, attributes]) };
    const meters = { getMeter: () => ({ createCounter: () => counter }) };
    metrics.setGlobalMeterProvider(meters as unknown as MeterProvider);

    const attributes: Record<string, unknown> = {};
    const events: Array<[string, Attributes | undefined]> = [];
    const span = {
      setAttribute: (key: string, value: unknown) => (attributes[key] = value),
      addEvent: (name: string, eventAttributes?: Attributes) => events.push([name, eventAttributes]),
    };

    markFault('card-latency-ms', { 'app.fault.latency_ms': 300 }, span as unknown as Span);
    markFault('card-network-down', {}, span as unknown as Span);

    expect(attributes).toEqual({ 'app.fault.card-latency-ms': true, 'app.fault.card-network-down': true });
    expect(events).toEqual([
      ['app.fault.injected', { 'app.fault.name': 'card-latency-ms', 'app.fault.latency_ms': 300 }],
      ['app.fault.injected', { 'app.fault.name': 'card-network-down' }],
    ]);
    expect(counted).toEqual([
      [1, { 'app.fault.name': 'card-latency-ms' }],
      [1, { 'app.fault.name': 'card-network-down' }],
    ]);
    metrics.disable();
  });
});
