/**
 * What the OpenTelemetry Collector's Prometheus exporter calls an OTLP metric (its default translation,
 * "underscore escaping with suffixes"), and which metric names a PromQL expression reads. Used by
 * metric-names.spec.ts to hold the dashboards and alerts to the metrics the shop really exports.
 */

export type MetricType = 'counter' | 'updowncounter' | 'gauge' | 'histogram' | 'exponential-histogram';

export interface OtlpMetric {
  name: string;
  type: MetricType;
  unit: string;
}

/** Unit words the exporter appends (UCUM code -> Prometheus suffix), as far as the shop's units go. */
const UNIT_WORDS: Record<string, string> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  bit: 'bits',
  '%': 'percent',
  Cel: 'celsius',
  Hz: 'hertz',
};

const escape = (text: string) => text.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/__+/g, '_');

/** The unit as a name suffix: `{annotations}` dropped, `1` a ratio (gauges only), `a/b` is `a_per_b`. */
function unitSuffix(unit: string, type: MetricType): string {
  const plain = unit.replace(/\{[^}]*\}/g, '').trim();
  if (plain === '') return '';
  if (plain === '1') return type === 'gauge' ? 'ratio' : '';
  const [numerator = '', denominator] = plain.split('/');
  const word = (part: string) => UNIT_WORDS[part] ?? escape(part);
  return denominator ? `${word(numerator)}_per_${word(denominator)}` : word(numerator);
}

/**
 * The series names Prometheus shows for one OTLP metric: dots become underscores, the unit a suffix,
 * a counter ends in `_total`, a histogram is `_bucket`, `_sum` and `_count` (plus its base name, the one
 * documentation refers to).
 */
export function prometheusNames(metric: OtlpMetric): string[] {
  let name = escape(metric.name);
  const suffix = unitSuffix(metric.unit, metric.type);
  if (suffix && !name.endsWith(`_${suffix}`)) name = `${name}_${suffix}`;
  switch (metric.type) {
    case 'counter':
      return [name.endsWith('_total') ? name : `${name}_total`];
    case 'histogram':
    case 'exponential-histogram':
      return [name, `${name}_bucket`, `${name}_sum`, `${name}_count`];
    default:
      return [name];
  }
}

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads. Grafana's variables are dropped first; a selector by
 * `__name__` is refused, since no name could then be checked.
 */
export function metricsReadBy(expr: string): string[] {
  if (/__name__/.test(expr)) throw new Error(`selects metrics by __name__, name them: ${expr}`);
  const names = new Set<string>();
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // strings (label values, regexes)
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // ranges and subqueries
    .replace(/\$\{[^}]*\}|\$\w+/g, '') // Grafana's variables
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ''); // label lists
  for (const [token] of stripped.matchAll(/\b[a-zA-Z_:][a-zA-Z0-9_:]*\b(?!\s*\()/g)) {
    if (KEYWORDS.has(token.toLowerCase())) continue;
    names.add(token);
  }
  return [...names];
}
