// docker-compose.yml as the checks read it: parsed with its anchors and merge keys resolved, and the memory
// limits in MiB. Shared by `npm run compose:check` (the budget) and `npm run images:check` (which runs each
// image under the limit and with the settings that compose gives it).
//
//   node tools/containers/compose-file.mjs APP ENV_FILE
//
// writes to ENV_FILE the variables compose gives APP, except those naming hosts, ports and credentials
// (the images check wires the containers to its own Postgres and broker), and prints APP's memory limit
// in MiB.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

export function readCompose(file = join(root, 'docker-compose.yml')) {
  const doc = parseDocument(readFileSync(file, 'utf8'), { merge: true });
  return { doc, services: doc.toJS({ maxAliasCount: -1 }).services ?? {} };
}

/** `64M`, `1g`, `512m` → MiB. */
export function mebibytes(value) {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(String(value).trim());
  if (!match) return NaN;
  const factor = { '': 1 / 1024 / 1024, k: 1 / 1024, m: 1, g: 1024 }[match[2].toLowerCase()];
  return Number(match[1]) * factor;
}

export const memoryOf = (service) => service.deploy?.resources?.limits?.memory ?? service.mem_limit;

/** Wiring: where the app finds its peers, database and collector; the images check sets these itself. */
const WIRING = /(_HOST|_PORT|_ADDRESS|_URL|_BROKERS|_ENDPOINT)$|^PG(HOST|PORT|USER|PASSWORD|DATABASE)$/;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [app, envFile] = process.argv.slice(2);
  const service = readCompose().services[app];
  if (!service || !envFile) {
    console.error(
      'usage: node tools/containers/compose-file.mjs APP ENV_FILE (APP a service of docker-compose.yml)',
    );
    process.exit(2);
  }
  const given = service.environment ?? {};
  const entries = Array.isArray(given)
    ? given.map((entry) => [entry.split('=')[0], entry.slice(entry.indexOf('=') + 1)])
    : Object.entries(given);
  // `${NAME:-default}` as compose reads it: from the environment, else the default.
  const interpolate = (value) =>
    String(value).replace(
      /\$\{(\w+)(?::?-([^}]*))?\}/g,
      (_, name, fallback) => process.env[name] || fallback || '',
    );
  const env = entries.filter(([name]) => !WIRING.test(name));
  writeFileSync(envFile, env.map(([name, value]) => `${name}=${interpolate(value)}\n`).join(''));
  console.log(mebibytes(memoryOf(service)));
}
