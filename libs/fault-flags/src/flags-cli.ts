/**
 * `npm run flags` — the fault flags in deploy/flags/faults.flagd.json (or FLAGS_FILE), which running apps
 * follow within a second:
 *
 *   npm run flags                       list every fault, its current value and what it does
 *   npm run flags -- set NAME VALUE     turn a fault on (or back off with its "off" value)
 *   npm run flags -- reset              every fault off
 */
import { FlagValueError, listFlags, readFlagsFile, resetFlags, setFlag, writeFlagsFile } from './flags-file';

/** Runs one command; returns the exit code. Output goes through `out`/`err` so that a test can read it. */
export function runFlagsCli(
  args: string[],
  path: string,
  out: (line: string) => void,
  err: (line: string) => void,
): number {
  const [command = 'list', ...rest] = args;
  try {
    const file = readFlagsFile(path);
    if (command === 'list' && rest.length === 0) {
      for (const flag of listFlags(file)) {
        const state = flag.value === flag.off ? 'off' : 'ON ';
        out(`${state} ${flag.name} = ${String(flag.value)}  — ${flag.description}`);
      }
      return 0;
    }
    if (command === 'set' && rest.length === 2) {
      const [name = '', value = ''] = rest;
      writeFlagsFile(path, setFlag(file, name, value));
      out(`${name} = ${value}`);
      return 0;
    }
    if (command === 'reset' && rest.length === 0) {
      writeFlagsFile(path, resetFlags(file));
      out('every fault off');
      return 0;
    }
    err('usage: npm run flags [-- list | set NAME VALUE | reset]');
    return 2;
  } catch (error) {
    err(error instanceof FlagValueError ? error.message : `${path}: ${readable(error)}`);
    return 1;
  }
}

/** A missing or unreadable flags file said in words, with the way to point at another one. */
function readable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file (FLAGS_FILE names the flags file to edit)';
  if (code === 'EACCES') return 'not allowed to read or write it';
  return error instanceof Error ? error.message : String(error);
}
