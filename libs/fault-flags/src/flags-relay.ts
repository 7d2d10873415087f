import { readFileSync, renameSync, unwatchFile, watchFile, writeFileSync } from 'node:fs';
import type { Logger } from '@shop/logger';
import { parseFlagsText } from './flags-file';

// The poll of the file people edit. fs.watchFile, not fs.watch: it also sees a file that does not exist
// yet, a file replaced by a rename, and files on the virtual file systems of containers and ConfigMaps.
const POLL_INTERVAL_MS = 250;

const NO_FLAGS = `${JSON.stringify({ $schema: 'https://flagd.dev/schema/v0/flags.json', flags: {} })}\n`;

export interface FlagsRelay {
  stop(): void;
}

/**
 * Copies `source` (the flags file people edit) to `inForce` (the file flagd reads) whenever it changes and
 * passes every check: the flagd schema, strictly, and the faults' own types and ranges. flagd alone would
 * apply a schema-invalid file (a fault of the wrong type would silently turn off) and would never see a
 * file that was missing at start; here a bad or missing file leaves the flags in force as they were, with
 * one log line per problem (not one per poll), and a file that appears later is applied then.
 */
export function relayFlagsFile(source: string, inForce: string, log: Logger): FlagsRelay {
  let applied: string | undefined;
  let followed = false; // a file of the source's was applied, not just the "no flags" of the start
  let problem: string | undefined;

  const report = (level: 'warn' | 'error', message: string) => {
    if (message === problem) return;
    problem = message;
    log[level](message);
  };

  const apply = (text: string) => {
    if (text === applied) return;
    writeFileSync(`${inForce}.tmp`, text);
    renameSync(`${inForce}.tmp`, inForce); // flagd never reads it half written
    applied = text;
  };

  const follow = () => {
    let text: string;
    try {
      text = readFileSync(source, 'utf8');
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      const consequence = !followed
        ? 'every fault is off until it can be read'
        : 'the flags in force stay as they were';
      report(
        missing ? 'warn' : 'error',
        missing
          ? `fault flags file missing, ${consequence}`
          : `fault flags file unreadable, ${consequence}: ${String(error)}`,
      );
      return;
    }
    try {
      parseFlagsText(text);
    } catch (error) {
      report(
        'error',
        `fault flags file not applied, the flags in force stay as they were: ${(error as Error).message}`,
      );
      return;
    }
    try {
      apply(text);
    } catch (error) {
      report('error', `fault flags file not applied, the flags in force stay as they were: ${String(error)}`);
      return;
    }
    if (problem !== undefined) log.info('fault flags file applied again');
    problem = undefined;
    followed = true;
  };

  follow();
  if (applied === undefined) apply(NO_FLAGS);
  // Node calls this when the file's stat changes (it appeared, was written, renamed over, removed); follow()
  // does nothing when the text is the one in force, and reports a problem only once.
  const onChange = () => follow();
  // Not persistent: the poll alone never keeps a stopping process alive.
  watchFile(source, { interval: POLL_INTERVAL_MS, persistent: false }, onChange);
  return { stop: () => unwatchFile(source, onChange) };
}
