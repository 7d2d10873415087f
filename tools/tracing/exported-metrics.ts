/**
 * Which metrics the shop really exports, summarised from what the OTLP receiver got during a capture: one
 * entry per name with what a metrics backend needs to name it (instrument type and unit). `npm run
 * trace:capture` writes it; the dashboard and alert check (tools/scripts/metric-names.spec.ts) reads it.
 */
import type { MetricType, ReceivedMetric } from '@shop/testing';

export interface ExportedMetric {
  name: string;
  type: MetricType;
  unit: string;
  /** The services (`service.name`) that exported it. */
  services: string[];
}

export function exportedMetrics(received: readonly ReceivedMetric[]): ExportedMetric[] {
  const seen = new Map<string, { type: MetricType; unit: string; services: Set<string> }>();
  for (const { name, type, unit, service } of received) {
    if (!type) continue;
    const entry = seen.get(name) ?? { type, unit, services: new Set<string>() };
    entry.services.add(service);
    seen.set(name, entry);
  }
  return [...seen.entries()]
    .map(([name, entry]) => ({
      name,
      type: entry.type,
      unit: entry.unit,
      services: [...entry.services].sort(),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
