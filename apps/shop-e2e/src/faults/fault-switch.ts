import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFlagsFile, resetFlags, setFlag, writeFlagsFile, type FaultName } from '@shop/fault-flags';
import type { TestStack } from '@shop/stack';
import { eventually, type ReceivedSpan } from '@shop/testing';
import type { Order, ShopClient } from '@shop/shop-client';

/**
 * How long after a change of the flags file every app has it in force: two 250 ms polls (the file
 * edited, then the copy flagd reads) and the reads, with room for a machine busy with other suites.
 * Nothing outside the apps shows that a flag is in force, so the tests wait this long after a switch.
 */
export const FLAGS_APPLIED_WITHIN_MS = 1_500;

/** Switches one fault on (or off with its "off" value), as `npm run flags -- set` does, and waits for it. */
export async function switchFault(stack: TestStack, name: FaultName, value: number | boolean): Promise<void> {
  writeFlagsFile(stack.flagsFile, setFlag(readFlagsFile(stack.flagsFile), name, String(value)));
  await sleep(FLAGS_APPLIED_WITHIN_MS);
}

/** Every fault off, as `npm run flags -- reset` does. */
export async function resetFaults(stack: TestStack): Promise<void> {
  writeFlagsFile(stack.flagsFile, resetFlags(readFlagsFile(stack.flagsFile)));
  await sleep(FLAGS_APPLIED_WITHIN_MS);
}

export interface Placed {
  status: number;
  orderId: string | undefined;
  placedAt: number;
}

/** Places `count` orders for one customer, one after the other; each answer is kept, accepted or not. */
export async function placeOrders(
  shop: ShopClient,
  token: string,
  count: number,
  card: string,
): Promise<Placed[]> {
  const placed: Placed[] = [];
  for (let i = 0; i < count; i++) {
    const placedAt = Date.now();
    const answer = await shop.placeOrder(token, card);
    placed.push({
      status: answer.status,
      orderId: answer.status === 202 ? answer.body.id : undefined,
      placedAt,
    });
  }
  return placed;
}

/** The orders once none is PENDING any more, with when each was first seen settled. */
export async function settledOrders(
  shop: ShopClient,
  token: string,
  orderIds: readonly string[],
  withinMs = 60_000,
): Promise<Array<Order & { seenSettledAt: number }>> {
  const settled = new Map<string, Order & { seenSettledAt: number }>();
  await eventually(
    async () => {
      for (const id of orderIds.filter((orderId) => !settled.has(orderId))) {
        const { body } = await shop.getOrder(token, id);
        if (body.status !== 'PENDING') settled.set(id, { ...body, seenSettledAt: Date.now() });
      }
      if (settled.size < orderIds.length) throw new Error(`${orderIds.length - settled.size} still PENDING`);
    },
    withinMs,
    100,
  );
  return orderIds.map((id) => settled.get(id) as Order & { seenSettledAt: number });
}

/**
 * The first trace in which `fault` was injected (a span marked `app.fault.<fault>`), once it has stopped
 * growing for a second; kept for docs/faults.md (see keepTrace).
 */
export async function traceOfFault(
  spans: readonly ReceivedSpan[],
  fault: FaultName,
): Promise<ReceivedSpan[]> {
  const marked = await eventually(
    () => {
      const span = spans.find((received) => received.attributes[`app.fault.${fault}`] === true);
      if (!span) throw new Error(`no span marked app.fault.${fault} arrived`);
      return span;
    },
    15_000,
    100,
  );
  const ofTrace = () => spans.filter((span) => span.traceId === marked.traceId);
  let count = ofTrace().length;
  for (let since = Date.now(); Date.now() - since < 1_000;) {
    await sleep(100);
    if (ofTrace().length !== count) [count, since] = [ofTrace().length, Date.now()];
  }
  keepTrace(fault, ofTrace());
  return ofTrace();
}

/**
 * Keeps a trace for docs/faults.md when FAULT_TRACES_DIR names a folder (the spans as received, as in
 * docs/traces/); otherwise does nothing.
 */
export function keepTrace(name: string, spans: readonly ReceivedSpan[]): void {
  const dir = process.env['FAULT_TRACES_DIR'];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(spans, null, 2)}\n`);
}
