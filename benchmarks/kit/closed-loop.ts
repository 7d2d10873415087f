import { round } from './figures';

/**
 * A closed loop: `concurrency` workers call `operation` back to back for `durationMs` (after
 * `warmupMs`, not counted). Answers completions per second and per-call latencies in ms.
 */
export async function closedLoop(
  operation: () => Promise<unknown>,
  options: { concurrency: number; durationMs: number; warmupMs?: number },
): Promise<{ perSecond: number; latenciesMs: number[]; errors: number; cpuMs: number }> {
  const warmupEnd = performance.now() + (options.warmupMs ?? 0);
  while (performance.now() < warmupEnd) {
    await Promise.all(Array.from({ length: options.concurrency }, () => operation().catch(() => undefined)));
  }
  const latenciesMs: number[] = [];
  let errors = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const end = start + options.durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      const sent = performance.now();
      try {
        await operation();
        latenciesMs.push(performance.now() - sent);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const elapsedS = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return {
    perSecond: round(latenciesMs.length / elapsedS, 1),
    latenciesMs,
    errors,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}
