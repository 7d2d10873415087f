import { readFileSync } from 'node:fs';
import type { Stack } from '@shop/stack';
import { eventually } from '@shop/testing';

/**
 * Resolves once every gateway replica has joined its order-events listener group. A replica serves
 * before it has joined (the broker is not what makes it ready), and an event before the join reaches
 * its streams only through the slow re-read; a test about pushes waits for this first.
 */
export async function untilGatewaysListen(
  stack: Pick<Stack, 'processes'>,
  timeoutMs = 60_000,
): Promise<void> {
  const gateways = stack.processes.filter((replica) => replica.app === 'gateway');
  await eventually(
    () => {
      const waiting = gateways.filter(
        (gateway) =>
          !readFileSync(gateway.logFile, 'utf8')
            .split('\n')
            .some(
              (line) =>
                line.includes('"component":"broadcast-listener"') && line.includes('"msg":"listening"'),
            ),
      );
      if (waiting.length > 0) throw new Error(`not listening yet: ${waiting.map((g) => g.label).join(', ')}`);
    },
    timeoutMs,
    200,
  );
}
