/** What every benchmark script does around its measurement: read options, retry set-up, exit. */

export const parseList = (text: string): string[] =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

export function positiveNumber(name: string, value: string | undefined): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} takes a positive number`);
  return number;
}

/**
 * Runs `attempt` up to `tries` times: a busy machine can time out the sign-ups that prepare a load
 * (scrypt on a starved CPU outlasts the gateway's deadline) before anything is measured.
 */
export async function retrying<T>(label: string, attempt: () => Promise<T>, tries = 3): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= tries) throw error;
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      process.stderr.write(`  ${label} failed (${reason}); trying again in 10 s\n`);
      await new Promise((resolve) => setTimeout(resolve, 10_000));
    }
  }
}

/** Runs main, exits 0 or prints the error and exits 1 (stray handles must not keep a benchmark alive). */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
