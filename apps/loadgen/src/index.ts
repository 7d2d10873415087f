export {
  runLoadTest,
  checkTarget,
  TargetUnreachableError,
  type LoadTestOptions,
  type LoadTestResult,
} from './load-test';
export type { LoadReport, PhaseReport, StepReport, TimelinePoint } from './report-json';
