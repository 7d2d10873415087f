// @shop/load-generator: the open-model load generator behind `npm run loadtest` (apps/loadgen is its
// command line), also driven by the benchmarks and the scaling experiment.
export {
  runLoadTest,
  checkTarget,
  TargetUnreachableError,
  type LoadTestOptions,
  type LoadTestResult,
  type StepOptions,
} from './load-test';
export { ARRIVAL_PROCESSES, type ArrivalProcess } from './arrival';
export {
  DEFAULT_MIX,
  SCENARIO_NAMES,
  SETTLE_MODES,
  settlesOrders,
  type Mix,
  type ScenarioName,
  type SettleMode,
} from './scenarios';
export { describeSlo, type StepSlo } from './step-search';
export type { LoadReport, PhaseReport, StepReport, TimelinePoint } from './report-json';
export type { LatencySummary } from './histograms';
export { CATEGORY_COLORS } from './chart-colors';
export { chartJs, escapeHtml, renderHtmlReport, writeHtmlReport } from './report-html';
export { parseDuration, UsageError } from './duration';
