/**
 * One load test, programmatically: check the target, prepare users (unmeasured), run one rate or a
 * series of steps through the open-loop driver, wait for orders to settle, and write the reports.
 */
import { randomBytes } from 'node:crypto';
import { arrivalOffsets, seededRandom, stepRates, type ArrivalProcess } from './arrival';
import { createHttpClient, type HttpClient } from './http-client';
import { createMetrics, type Metrics, type SettleOutcome } from './metrics';
import { realClock, runOpenLoop, type Clock } from './open-loop';
import { formatProgress, formatStepResult } from './progress';
import { buildReport, writeJsonReport, type LoadReport } from './report-json';
import { writeHtmlReport } from './report-html';
import type { StepSlo } from './step-search';
import {
  DEFAULT_MIX,
  prepareUsers,
  scenarioNamed,
  settlesOrders,
  type Mix,
  type Scenario,
  type ScenarioEnv,
  type ScenarioName,
  type SettleMode,
} from './scenarios';

/** The rates to step through and the SLO each step is held to (`sloSettleP99Ms` only with settle figures). */
export interface StepOptions extends StepSlo {
  from: number;
  to: number;
  by: number;
  durationMs: number;
}

export interface LoadTestOptions {
  /** The gateway's base URL. */
  target: string;
  scenario: ScenarioName;
  /** Arrivals per second (ignored in step mode). */
  rate: number;
  durationMs: number;
  arrival?: ArrivalProcess;
  /** Customers prepared before the measured phase. */
  users?: number;
  /** Orders each prepared customer gets when the scenario browses. */
  ordersPerUser?: number;
  seed?: number;
  mix?: Mix;
  declineShare?: number;
  /** How checkouts wait for the outcome (default `stream`). */
  settle?: SettleMode;
  pollIntervalMs?: number;
  settleTimeoutMs?: number;
  requestTimeoutMs?: number;
  maxInFlight?: number;
  steps?: StepOptions;
  /** Where report.json and report.html go; nothing is written without it. */
  outDir?: string;
  /** Progress lines, one a second. */
  progress?: NodeJS.WritableStream;
  /**
   * Called once the customers are prepared, as the measured phase starts (the report's `startedAt`):
   * where a caller's own figures begin.
   */
  onMeasuredStart?: (startedAt: Date) => void;
  clock?: Clock;
}

export interface LoadTestResult {
  report: LoadReport;
  files: string[];
}

/** The target did not answer `GET /healthz` with 200. */
export class TargetUnreachableError extends Error {
  override name = 'TargetUnreachableError';
}

export async function checkTarget(target: string, timeoutMs = 3000): Promise<void> {
  const http = createHttpClient(target, timeoutMs);
  try {
    const result = await http.request('GET', '/healthz');
    if (result.ok && result.response.status === 200) return;
    const reason = result.ok ? `answered ${result.response.status}` : `failed: ${result.errorKind}`;
    throw new TargetUnreachableError(
      `target ${target} is not reachable (GET /healthz ${reason}); is the shop running?`,
    );
  } finally {
    http.close();
  }
}

interface Phase {
  rate: number;
  durationMs: number;
}

function scenarioEnv(
  http: HttpClient,
  metrics: Metrics,
  scenario: { users: ScenarioEnv['users']; runId: string; random: () => number; clock: Clock },
  checkoutOptions: ScenarioEnv['checkout'],
  pending: Set<Promise<SettleOutcome>>,
): ScenarioEnv {
  let counter = 0;
  return {
    async call(operation, method, path, options) {
      const sentAt = scenario.clock.now();
      const result = await http.request(method, path, options);
      metrics.recordOperation(
        operation,
        scenario.clock.now() - sentAt,
        result.ok && result.response.status < 400,
      );
      return result;
    },
    async poll(path, token) {
      const result = await http.request('GET', path, { token });
      metrics.recordPoll(result.ok && result.response.status === 200);
      return result;
    },
    async watch(path, options) {
      const result = await http.stream(path, options);
      metrics.recordStream(result.ok && result.status === 200);
      return result;
    },
    users: scenario.users,
    random: scenario.random,
    uniqueId: () => `${scenario.runId}-${++counter}`,
    clock: scenario.clock,
    checkout: checkoutOptions,
    track(settling) {
      const tracked = settling.then((outcome) => {
        metrics.recordSettle(outcome);
        return outcome;
      });
      pending.add(tracked);
      void tracked.finally(() => pending.delete(tracked));
    },
  };
}

export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestResult> {
  const clock = options.clock ?? realClock;
  const arrival = options.arrival ?? 'constant';
  const seed = options.seed ?? 1;
  const random = seededRandom(seed);
  const mix = options.mix ?? DEFAULT_MIX;
  const scenario: Scenario = scenarioNamed(options.scenario, mix);
  const withSettle = settlesOrders(options.scenario, mix);
  if (options.steps?.sloSettleP99Ms !== undefined && !withSettle)
    throw new Error(
      `a settle SLO needs a scenario that places orders; ${options.scenario} has no settle figures`,
    );
  const checkoutOptions = {
    declineShare: options.declineShare ?? 0.1,
    settle: options.settle ?? 'stream',
    pollIntervalMs: options.pollIntervalMs ?? 25,
    settleTimeoutMs: options.settleTimeoutMs ?? 30_000,
  };
  const maxInFlight = options.maxInFlight ?? 1000;
  const phases: Phase[] = options.steps
    ? stepRates(options.steps.from, options.steps.to, options.steps.by).map((rate) => ({
        rate,
        durationMs: options.steps?.durationMs ?? 0,
      }))
    : [{ rate: options.rate, durationMs: options.durationMs }];
  const progress = options.progress;
  const say = (line: string) => progress?.write(`${line}\n`);

  await checkTarget(options.target);
  const http = createHttpClient(options.target, options.requestTimeoutMs ?? 10_000);
  try {
    const runId = randomBytes(4).toString('hex');
    const userCount = options.users ?? 20;
    say(`preparing ${userCount} users${scenario.needsOrders ? ' with orders' : ''} (not measured)...`);
    const users = await prepareUsers(http, {
      runId,
      users: userCount,
      ordersPerUser: scenario.needsOrders ? (options.ordersPerUser ?? 2) : 0,
    });

    const startedAt = new Date();
    options.onMeasuredStart?.(startedAt);
    // The first arrival is a little ahead, so the first second is not spent catching up.
    const runStartAt = clock.now() + 50;
    const metrics = createMetrics(runStartAt);
    const pending = new Set<Promise<SettleOutcome>>();
    const env = scenarioEnv(http, metrics, { users, runId, random, clock }, checkoutOptions, pending);
    let inFlight = 0;
    const ticker = progress
      ? setInterval(() => {
          const second = Math.floor((clock.now() - runStartAt) / 1000) - 1;
          const bucket = metrics.buckets[second];
          if (bucket) say(formatProgress(bucket, inFlight, pending.size, withSettle));
        }, 1000)
      : undefined;

    try {
      let phaseStartAt = runStartAt;
      for (const [index, phase] of phases.entries()) {
        if (options.steps)
          say(`step ${index + 1}/${phases.length}: ${phase.rate}/s for ${phase.durationMs / 1000} s`);
        const phaseMetrics = metrics.startPhase(phase.rate, phaseStartAt, phase.durationMs);
        await runOpenLoop({
          offsetsMs: arrivalOffsets({
            rate: phase.rate,
            durationMs: phase.durationMs,
            process: arrival,
            random,
          }),
          startAt: phaseStartAt,
          clock,
          maxInFlight,
          fire: async (intendedAt) => {
            inFlight++;
            try {
              return await scenario.run(env, intendedAt);
            } finally {
              inFlight--;
            }
          },
          onComplete: (completion) => metrics.recordCompletion(completion),
          onDropped: (intendedAt) => metrics.recordDropped(intendedAt),
        });
        if (pending.size > 0) say(`waiting for ${pending.size} orders to settle...`);
        await Promise.all([...pending]);
        if (options.steps) {
          const figures = buildReport(metrics, {
            scenario: options.scenario,
            arrival,
            target: options.target,
            startedAt,
            settings: {},
            withSettle,
            slo: options.steps,
          }).steps?.[index];
          if (figures) {
            say(formatStepResult(figures));
            if (!figures.pass) break;
          }
        }
        // The next step starts on a whole second after this one's stragglers, so seconds stay aligned.
        phaseStartAt =
          runStartAt + Math.ceil((Math.max(clock.now(), phaseMetrics.endAt) - runStartAt) / 1000) * 1000;
      }
    } finally {
      if (ticker) clearInterval(ticker);
    }

    const report = buildReport(metrics, {
      scenario: options.scenario,
      arrival,
      target: options.target,
      startedAt,
      withSettle,
      settings: {
        rate: options.steps ? undefined : options.rate,
        durationMs: options.steps ? undefined : options.durationMs,
        users: userCount,
        seed,
        maxInFlight,
        ...(options.scenario === 'mixed' && { mix }),
        ...(withSettle && checkoutOptions),
        ...(options.steps && { steps: options.steps }),
      },
      ...(options.steps && { slo: options.steps }),
    });
    const files: string[] = [];
    if (options.outDir) {
      files.push(await writeJsonReport(options.outDir, report));
      files.push(await writeHtmlReport(options.outDir, report));
    }
    return { report, files };
  } finally {
    http.close();
  }
}
