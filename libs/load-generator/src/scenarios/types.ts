import type { HttpResult, RequestOptions, StreamOptions, StreamResult } from '../http-client';
import type { SettleOutcome } from '../metrics';
import type { Clock, Outcome } from '../open-loop';

export type ScenarioName = 'browse' | 'signup' | 'checkout' | 'mixed';

export const SCENARIO_NAMES: readonly ScenarioName[] = ['browse', 'signup', 'checkout', 'mixed'];

/** A customer prepared before the measured phase: logged in, with a few orders for browsing. */
export interface PreparedUser {
  email: string;
  token: string;
  orderIds: string[];
}

/** How a checkout waits for its order's outcome: the order's event stream, or polling the order. */
export type SettleMode = 'stream' | 'poll';

export const SETTLE_MODES: readonly SettleMode[] = ['stream', 'poll'];

export interface CheckoutOptions {
  /** Share of orders paid with a card that is declined (0..1). */
  declineShare: number;
  settle: SettleMode;
  pollIntervalMs: number;
  settleTimeoutMs: number;
}

/** What a scenario may use: the timed API, the prepared users, randomness, and the settle tracking. */
export interface ScenarioEnv {
  /** One HTTP exchange, timed and counted under `operation`. */
  call(operation: string, method: string, path: string, options?: RequestOptions): Promise<HttpResult>;
  /** A settle poll: counted apart, never as an arrival. */
  poll(path: string, token: string): Promise<HttpResult>;
  /** A settle stream, read until `onEvent` says stop: counted apart, never as an arrival. */
  watch(path: string, options: StreamOptions): Promise<StreamResult>;
  users: readonly PreparedUser[];
  random(): number;
  /** Unique within the run: for e-mail addresses and idempotency keys. */
  uniqueId(): string;
  clock: Clock;
  checkout: CheckoutOptions;
  /** Follows an order to its final state in the background; the run waits for these before it ends. */
  track(settling: Promise<SettleOutcome>): void;
}

export interface Scenario {
  name: ScenarioName;
  /** Whether the prepared users need orders of their own before the measured phase. */
  needsOrders: boolean;
  /** One arrival. Its latency is measured around this call, from the intended start. */
  run(env: ScenarioEnv, intendedAt: number): Promise<Outcome>;
}

export function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('nothing to pick from');
  return item;
}

/** The outcome of one exchange that should have answered `expected`. */
export function expectStatus(result: HttpResult, expected: number): Outcome {
  if (!result.ok) return { ok: false, errorKind: result.errorKind };
  if (result.response.status !== expected) return { ok: false, errorKind: `HTTP ${result.response.status}` };
  return { ok: true };
}

export function stringField(body: unknown, field: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}
