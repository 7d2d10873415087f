/**
 * What the benchmarks (and tools/scaling) share: the machine they ran on, a fresh stack with fast
 * Kafka timings, CPU and memory of processes read from /proc, percentiles, a printed table, and the
 * JSON file each one writes to benchmarks/results/<name>.json. Each part is a module under kit/; this
 * file gathers them for the scripts that import the kit as a whole.
 */
export { WORKSPACE_ROOT } from '@shop/stack';
export * from './kit/bench-stack';
export * from './kit/closed-loop';
export * from './kit/cpu';
export * from './kit/figures';
export * from './kit/machine';
export * from './kit/proc';
export * from './kit/script';
