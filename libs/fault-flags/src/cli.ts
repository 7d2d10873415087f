// The entry point of `npm run flags`; see flags-cli.ts.
import { resolve } from 'node:path';
import { runFlagsCli } from './flags-cli';

const path = resolve(
  process.env['FLAGS_FILE'] ?? resolve(__dirname, '../../../deploy/flags/faults.flagd.json'),
);
process.exitCode = runFlagsCli(process.argv.slice(2), path, console.log, console.error);
