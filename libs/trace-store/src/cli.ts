// The entry point of `npm run traces`; see traces-cli.ts.
import { resolve } from 'node:path';
import { runTracesCli } from './traces-cli';

const defaultDir = process.env['TRACES_DIR'] ?? resolve(__dirname, '../../../tmp/stack/traces');
void runTracesCli(process.argv.slice(2), defaultDir, {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  columns: process.stdout.isTTY ? process.stdout.columns : undefined,
  color: process.stdout.isTTY && !process.env['NO_COLOR'],
}).then((code) => {
  process.exitCode = code;
});
