/**
 * The fault comparison: checkouts at a fixed rate while what holds payments fails, on each architecture.
 *
 * - `kill`: SIGKILL of the process that holds payments (payments-service; the monolith itself), at
 *   --fault-at. The stack's supervisor restarts it after its backoff, as an orchestrator would: the
 *   outage is however long that restart takes.
 * - `card-network-down`: the fault flag that makes the card network unreachable, on from --fault-at for
 *   --card-down, in the stack's own flags file; both architectures' payments honour it.
 *
 * A probe asks the public API's /healthz every 200 ms meanwhile; the load report's seconds say what the
 * customers got.
 */
import { join } from 'node:path';
import { readFlagsFile, setFlag, writeFlagsFile } from '@shop/fault-flags';
import { runLoadTest, type LoadTestOptions } from '@shop/load-generator';
import type { CompareOptions } from './options';
import type { FaultKind, FaultRun } from './results';
import { indented } from './scenarios';
import type { ArchitectureStack } from './stacks';
import { faultSeconds, round1, summarizeFault } from './summary';

const PROBE_EVERY_MS = 200;

/** Polls GET /healthz; adds up the time between probes that got no 200. */
function startProbe(url: string): { downMs(): number; stop(): Promise<void> } {
  let downMs = 0;
  let running = true;
  const loop = (async () => {
    let last = performance.now();
    while (running) {
      const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
        (response) => response.status === 200,
        () => false,
      );
      const now = performance.now();
      if (!ok) downMs += now - last;
      last = now;
      await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
    }
  })();
  return {
    downMs: () => downMs,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/**
 * The load generator's clock, which tells when the run's second 0 is: load-test.ts reads the clock
 * first to set it, 50 ms ahead, once the users are prepared.
 */
function clockTellingStart(onStart: (epochMs: number) => void): NonNullable<LoadTestOptions['clock']> {
  let started = false;
  return {
    now() {
      const now = performance.now();
      if (!started) {
        started = true;
        onStart(performance.timeOrigin + now + 50);
      }
      return now;
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

function setCardNetworkDown(flagsFile: string, down: boolean): void {
  writeFlagsFile(flagsFile, setFlag(readFlagsFile(flagsFile), 'card-network-down', String(down)));
}

export async function runFault(
  target: ArchitectureStack,
  options: CompareOptions,
  round: number,
  fault: FaultKind,
): Promise<FaultRun> {
  const reportDir = join(options.outDir, `round-${round}`, target.architecture, `fault-${fault}`);
  const holder = target.paymentsHolder();
  const { rate, durationMs, atMs, cardDownMs } = options.fault;
  let runStart: number | undefined;
  let injectedAt: number | undefined;
  let clearedAt: number | undefined;
  const timers: NodeJS.Timeout[] = [];
  const say = (line: string) => process.stdout.write(`      ${line}\n`);

  // Runs from a timer: a failure is said and leaves injectedAt unset, which fails the run after the load.
  const inject = () => {
    try {
      if (fault === 'kill') {
        const pid = holder.pid();
        if (pid === undefined) throw new Error(`${holder.label} is not running`);
        process.kill(pid, 'SIGKILL');
        injectedAt = Date.now();
        say(`>> killed ${holder.label} (pid ${pid})`);
      } else {
        setCardNetworkDown(target.flagsFile, true);
        injectedAt = Date.now();
        say('>> card network down');
        timers.push(
          setTimeout(() => {
            setCardNetworkDown(target.flagsFile, false);
            clearedAt = Date.now();
            say('>> card network back');
          }, cardDownMs),
        );
      }
    } catch (error) {
      say(`>> could not inject the fault: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const probe = startProbe(target.stack.gatewayUrl);
  try {
    const { report } = await runLoadTest({
      target: target.stack.gatewayUrl,
      scenario: 'checkout',
      rate,
      durationMs,
      users: options.users,
      settleTimeoutMs: options.settleTimeoutMs,
      outDir: reportDir,
      progress: indented(),
      clock: clockTellingStart((at) => {
        runStart = at;
        timers.push(setTimeout(inject, Math.max(0, at + atMs - Date.now())));
      }),
    });
    if (runStart === undefined || injectedAt === undefined) throw new Error('the fault was never injected');
    const killedAt = injectedAt;
    if (fault === 'kill') {
      // The supervisor's restart: the first change of the replica to a new run after the kill.
      clearedAt = target.changes.find(
        (change) => change.label === holder.label && change.at > killedAt && change.state === 'running',
      )?.at;
    }
    const start = runStart;
    const seconds = faultSeconds(report.timeline);
    const injectedAtS = round1((injectedAt - start) / 1000);
    const clearedAtS = clearedAt === undefined ? null : round1((clearedAt - start) / 1000);
    return {
      architecture: target.architecture,
      round,
      fault,
      target: fault === 'kill' ? holder.label : 'card network (flag card-network-down)',
      rate,
      durationS: durationMs / 1000,
      injectedAtS,
      clearedAtS,
      apiDownS: round1(probe.downMs() / 1000),
      summary: summarizeFault(
        seconds,
        { injectedAtS, clearedAtS },
        {
          settled: report.settle?.settled ?? 0,
          timedOut: report.settle?.timedOut ?? 0,
          latencyMs: report.settleMs ?? { p50: NaN, p99: NaN, max: NaN },
        },
      ),
      timeline: seconds,
      reportDir,
    };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    await probe.stop();
    // Whatever happened, the stack is left with its card network up.
    if (fault === 'card-network-down') setCardNetworkDown(target.flagsFile, false);
  }
}
