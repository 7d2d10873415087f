import { createServer } from 'node:net';
import { portHolders } from './port-holders';

/** A port the stack is about to listen on, and what for (`gateway#1`, `mail catcher (SMTP)`). */
export interface PortClaim {
  port: number;
  owner: string;
}

/** Whether `port` can be bound on `host` now: the way the app will bind it, so the answer is the app's. */
function bindable(port: number, host: string): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

function describeHolders(port: number): string {
  const holders = portHolders(port);
  if (holders.length === 0) return 'by a process not visible here (another user, or another namespace)';
  return holders.map((holder) => `by pid ${holder.pid}: ${holder.command}`).join('; ');
}

/**
 * Fails, naming every taken port, what the stack wanted it for and which process holds it, unless every
 * claimed port is free: checked before anything starts, so a second stack (or a stale app) is reported
 * at once rather than as an app that crashes at start-up among others that did start.
 */
export async function assertPortsFree(claims: readonly PortClaim[], host = '127.0.0.1'): Promise<void> {
  const problems: string[] = [];
  for (const claim of claims) {
    const error = await bindable(claim.port, host);
    if (!error) continue;
    const why = error.code === 'EADDRINUSE' ? `is taken ${describeHolders(claim.port)}` : error.message;
    problems.push(`  port ${claim.port} (${claim.owner}) ${why}`);
  }
  if (problems.length > 0) {
    throw new Error(
      [
        `Cannot start the stack: ${problems.length === 1 ? 'a port it needs is' : 'ports it needs are'} not free.`,
        ...problems,
        `Stop what holds ${problems.length === 1 ? 'it' : 'them'}, or choose other ports (--ports free, --port APP=PORT).`,
      ].join('\n'),
    );
  }
}
