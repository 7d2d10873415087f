import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { metricsReadBy, prometheusNames, type OtlpMetric } from './prometheus-names';

/**
 * Every metric a Grafana panel, an alerting rule or a span-to-metrics link reads is one the shop
 * exports, under the name the collector's Prometheus exporter gives it. The names come from
 * tools/tracing/exported-metrics.json, captured from a checkout on the native stack (`npm run
 * trace:capture -- --commit`), and from what the collector itself makes by its config (span metrics, the
 * broker's topic metrics). A metric renamed in the code, or a query that misspells one, fails here
 * instead of leaving a panel empty.
 */
const ROOT = join(__dirname, '..', '..');
const COMPOSE = join(ROOT, 'deploy', 'compose');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const captured = JSON.parse(read('tools/tracing/exported-metrics.json')) as OtlpMetric[];

/**
 * Recorded only when what they count happens, so absent from a plain checkout's export: each with the
 * file that creates it, which must still create it under this name.
 */
const RECORDED_ON_DEMAND: (OtlpMetric & { source: string; instrument: string })[] = [
  {
    name: 'app.faults.injected',
    type: 'counter',
    unit: '',
    source: 'libs/fault-flags/src/fault-flags.ts',
    instrument: 'createCounter',
  },
];

/**
 * The kafkametrics receiver's metrics per scraper, from its metadata.yaml (collector-contrib 0.139):
 * the collector reads them from the broker, so no app export shows them.
 */
const KAFKAMETRICS: Record<string, OtlpMetric[]> = {
  brokers: [{ name: 'kafka.brokers', type: 'updowncounter', unit: '{brokers}' }],
  topics: [
    { name: 'kafka.topic.partitions', type: 'updowncounter', unit: '{partitions}' },
    { name: 'kafka.partition.current_offset', type: 'gauge', unit: '1' },
    { name: 'kafka.partition.oldest_offset', type: 'gauge', unit: '1' },
    { name: 'kafka.partition.replicas', type: 'updowncounter', unit: '{replicas}' },
    { name: 'kafka.partition.replicas_in_sync', type: 'updowncounter', unit: '{replicas}' },
  ],
  consumers: [
    { name: 'kafka.consumer_group.members', type: 'updowncounter', unit: '{members}' },
    { name: 'kafka.consumer_group.offset', type: 'gauge', unit: '1' },
    { name: 'kafka.consumer_group.offset_sum', type: 'gauge', unit: '1' },
    { name: 'kafka.consumer_group.lag', type: 'gauge', unit: '1' },
    { name: 'kafka.consumer_group.lag_sum', type: 'gauge', unit: '1' },
  ],
};

interface CollectorConfig {
  receivers?: Record<string, { scrapers?: string[] } | null>;
  connectors?: Record<string, { namespace?: string; histogram?: { unit?: string } } | null>;
}

/** What the collector adds by its config: span metrics per spanmetrics connector, the broker's metrics. */
function collectorMetrics(config: CollectorConfig): OtlpMetric[] {
  const derived: OtlpMetric[] = [];
  for (const [id, connector] of Object.entries(config.connectors ?? {})) {
    if (id.split('/')[0] !== 'spanmetrics') continue;
    const namespace = connector?.namespace ?? 'traces.span.metrics';
    derived.push({ name: `${namespace}.calls`, type: 'counter', unit: '' });
    derived.push({
      name: `${namespace}.duration`,
      type: 'histogram',
      unit: connector?.histogram?.unit ?? 'ms',
    });
  }
  for (const [id, receiver] of Object.entries(config.receivers ?? {})) {
    if (id.split('/')[0] !== 'kafkametrics') continue;
    for (const scraper of receiver?.scrapers ?? []) derived.push(...(KAFKAMETRICS[scraper] ?? []));
  }
  return derived;
}

/** Series Prometheus makes itself: one per process's resource, alert states, scrape health. */
const PROMETHEUS_OWN = ['target_info', 'ALERTS', 'ALERTS_FOR_STATE', 'up'];

function exportedNames(): Set<string> {
  const collectorFiles = ['otel-collector.yaml', 'otel-collector.tail-sampling.yaml'];
  const fromCollector = collectorFiles.flatMap((file) =>
    collectorMetrics(parse(readFileSync(join(COMPOSE, file), 'utf8')) as CollectorConfig),
  );
  return new Set([
    ...[...captured, ...RECORDED_ON_DEMAND, ...fromCollector].flatMap(prometheusNames),
    ...PROMETHEUS_OWN,
  ]);
}

interface Query {
  where: string;
  expr: string;
}

interface Panel {
  title?: string;
  datasource?: { type?: string };
  targets?: { expr?: string; datasource?: { type?: string } }[];
  panels?: Panel[];
}

/** Every PromQL expression the compose stack runs: dashboards, alerting rules, Jaeger's metric links. */
function queries(): Query[] {
  const found: Query[] = [];
  const dashboards = join(COMPOSE, 'grafana', 'dashboards');
  for (const file of readdirSync(dashboards).filter((name) => name.endsWith('.json'))) {
    const walk = (panels: Panel[] = []): void => {
      for (const panel of panels) {
        walk(panel.panels);
        for (const target of panel.targets ?? []) {
          if ((target.datasource ?? panel.datasource)?.type !== 'prometheus' || !target.expr) continue;
          found.push({ where: `${file} "${panel.title ?? ''}"`, expr: target.expr });
        }
      }
    };
    walk((JSON.parse(readFileSync(join(dashboards, file), 'utf8')) as { panels?: Panel[] }).panels);
  }
  const rules = parse(readFileSync(join(COMPOSE, 'alerts', 'shop.rules.yml'), 'utf8')) as {
    groups: { rules: { alert?: string; record?: string; expr: string }[] }[];
  };
  for (const rule of rules.groups.flatMap((group) => group.rules)) {
    found.push({ where: `alert ${rule.alert ?? rule.record ?? ''}`, expr: rule.expr });
  }
  const datasources = parse(
    readFileSync(join(COMPOSE, 'grafana', 'provisioning', 'datasources', 'datasources.yaml'), 'utf8'),
  ) as {
    datasources: {
      uid: string;
      jsonData?: { tracesToMetrics?: { queries?: { name: string; query: string }[] } };
    }[];
  };
  for (const source of datasources.datasources) {
    for (const link of source.jsonData?.tracesToMetrics?.queries ?? []) {
      found.push({ where: `${source.uid} link "${link.name}"`, expr: link.query.replaceAll('$$', '$') });
    }
  }
  return found;
}

describe('the Prometheus names of OTLP metrics, as the collector exporter writes them', () => {
  it.each<[OtlpMetric, string[]]>([
    [
      { name: 'http.server.request.duration', type: 'histogram', unit: 's' },
      [
        'http_server_request_duration_seconds',
        'http_server_request_duration_seconds_bucket',
        'http_server_request_duration_seconds_sum',
        'http_server_request_duration_seconds_count',
      ],
    ],
    // kafkajs records it without a unit: no `_seconds`, whatever the values are.
    [
      { name: 'messaging.process.duration', type: 'histogram', unit: '' },
      [
        'messaging_process_duration',
        'messaging_process_duration_bucket',
        'messaging_process_duration_sum',
        'messaging_process_duration_count',
      ],
    ],
    [
      { name: 'messaging.client.sent.messages', type: 'counter', unit: '' },
      ['messaging_client_sent_messages_total'],
    ],
    [{ name: 'nodejs.eventloop.time', type: 'counter', unit: 's' }, ['nodejs_eventloop_time_seconds_total']],
    [
      { name: 'nodejs.eventloop.utilization', type: 'gauge', unit: '1' },
      ['nodejs_eventloop_utilization_ratio'],
    ],
    [
      { name: 'db.client.connection.count', type: 'updowncounter', unit: '{connection}' },
      ['db_client_connection_count'],
    ],
    [{ name: 'v8js.memory.heap.used', type: 'gauge', unit: 'By' }, ['v8js_memory_heap_used_bytes']],
    [{ name: 'app.outbox.oldest_age', type: 'gauge', unit: 's' }, ['app_outbox_oldest_age_seconds']],
  ])('%j is %j', (metric, names) => {
    expect(prometheusNames(metric)).toEqual(names);
  });
});

describe('the metric names a PromQL expression reads', () => {
  it('leaves out functions, keywords, labels, strings, ranges and Grafana variables', () => {
    expect(
      metricsReadBy(
        'histogram_quantile(0.95, sum by (le, job) (rate(a_seconds_bucket{job=~"$service", x="b_total"}[$__rate_interval]))) / on (job) group_left max(c_total offset 5m) > 0.5 and d',
      ).sort(),
    ).toEqual(['a_seconds_bucket', 'c_total', 'd']);
  });

  it('refuses a selector by __name__, which would hide the name from this check', () => {
    expect(() => metricsReadBy('max({__name__=~"a(_ratio)?"})')).toThrow(/__name__/);
  });
});

describe('every metric the dashboards, alerts and links read is one the shop exports', () => {
  const exported = exportedNames();
  const all = queries();

  it('reads dashboards, alerting rules and links', () => {
    expect(all.some((query) => query.where.startsWith('shop-red.json'))).toBe(true);
    expect(all.some((query) => query.where.startsWith('shop-messaging.json'))).toBe(true);
    expect(all.some((query) => query.where.startsWith('alert '))).toBe(true);
    expect(all.some((query) => query.where.startsWith('jaeger link'))).toBe(true);
  });

  it.each(all.map((query) => [query.where, query.expr]))('%s', (_where, expr) => {
    const unknown = metricsReadBy(expr).filter((name) => !exported.has(name));
    expect(unknown).toEqual([]);
  });

  it.each(RECORDED_ON_DEMAND)(
    '$name, recorded only when used, is still created under that name',
    ({ name, source, instrument }) => {
      expect(read(source)).toMatch(new RegExp(`${instrument}\\(\\s*'${name.replaceAll('.', '\\.')}'`));
    },
  );
});
