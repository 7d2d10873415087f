#!/usr/bin/env node
// `node tools/scripts/check-prerequisites.cjs [test|stack]`: runs before `npm test` and `npm run stack`
// and names, in one message, everything this machine lacks for them, with how to get it.
//
// It has to run where nothing else does: on a Node that is too old (it is what says so) and before
// `npm ci` (no dependencies). Hence CommonJS, no syntax newer than Node 12, and Node built-ins only,
// but for the `pg` package that prerequisites/postgres.cjs uses once `npm ci` has installed it.
'use strict';

const { existsSync, readFileSync, accessSync, constants } = require('fs');
const { join, delimiter } = require('path');
const { checkPostgres } = require('./prerequisites/postgres.cjs');

const ROOT = join(__dirname, '..', '..');
const MODES = {
  test: { what: 'the tests', command: 'npm ci && npm test', chromium: true, bin: 'jest' },
  stack: { what: 'the native stack', command: 'npm ci && npm run stack', chromium: false, bin: 'esbuild' },
};

function onPath(name) {
  return (process.env.PATH || '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir || '.', name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const MIN_MINOR = 7;

function checkNode(problems) {
  const wanted = readFileSync(join(ROOT, '.nvmrc'), 'utf8').trim();
  const running = process.versions.node;
  const [major, minor] = running.split('.');
  // users-service hashes passwords with crypto.argon2, which Node 24 has from 24.7 on.
  if (major === wanted && Number(minor) >= MIN_MINOR) return `Node ${running}`;
  if (major === wanted) {
    problems.push({
      problem: `Node.js ${wanted}.${MIN_MINOR} or a later ${wanted}.x is needed (for crypto.argon2); this is Node ${running}.`,
      fix: [
        `Update Node ${wanted} (\`nvm install ${wanted}\`, or \`npm install --prefix ~/.cache/shop/node${wanted} node@${wanted}\`).`,
      ],
    });
    return undefined;
  }
  problems.push({
    problem: `Node.js ${wanted} is needed; this is Node ${running} (${process.execPath}).`,
    fix: [
      `With nvm: \`nvm install && nvm use\` (reads .nvmrc); or install ${wanted} from https://nodejs.org/en/download;`,
      `or, without root, npm's own copy (what .ci/run does): \`npm install --prefix ~/.cache/shop/node${wanted} node@${wanted}\``,
      `and \`export PATH=~/.cache/shop/node${wanted}/node_modules/.bin:$PATH\`. Then \`npm ci\` again.`,
    ],
  });
  return undefined;
}

function checkDependencies(problems, mode) {
  if (existsSync(join(ROOT, 'node_modules', '.bin', mode.bin))) return 'node_modules';
  problems.push({
    problem: `The dependencies are not installed (no node_modules/.bin/${mode.bin}).`,
    fix: ['Run `npm ci` (with Node 24) in the repository root; it installs them from the npm registry.'],
  });
  return undefined;
}

// The Kafka-protocol test broker is compiled on first use (libs/kafka-mock-broker/native/build.sh).
function checkBrokerBuild(problems) {
  if (process.env.KAFKA_BROKERS) return `KAFKA_BROKERS=${process.env.KAFKA_BROKERS}`;
  if (existsSync(join(ROOT, '.cache', 'kafka-mock-broker', 'bin', 'kafka-mock-broker')))
    return 'the test broker (built)';
  // git applies the build's patch to librdkafka's sources.
  const missing = ['gcc', 'make', 'git'].filter((tool) => !onPath(tool));
  if (missing.length === 0) return 'gcc, make and git for the test broker';
  const named = missing.length > 1 ? `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}` : missing[0];
  problems.push({
    problem: `${named} not found: the Kafka-protocol test broker is built from C sources on first use.`,
    fix: [
      'Install them (Debian/Ubuntu: `apt-get install -y build-essential git`; macOS: `xcode-select --install`),',
      'or set KAFKA_BROKERS to a running Kafka (host:port,...) to use it instead.',
    ],
  });
  return undefined;
}

// The load generator's HTML report is checked in headless Chromium (libs/load-generator/test/*.browser.spec.ts).
function checkChromium(problems) {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (existsSync(path)) return 'Chromium';
  problems.push({
    problem: `Chromium not found at ${path}: one test opens the load-test report in headless Chromium.`,
    fix: [
      'Install it (Debian/Ubuntu: `apt-get install -y chromium`), or set CHROMIUM_PATH to a Chromium or Chrome binary.',
    ],
  });
  return undefined;
}

function report(mode, problems, notes, found) {
  for (const note of notes) process.stderr.write(`prerequisites: note: ${note}\n`);
  if (problems.length === 0) {
    process.stdout.write(`prerequisites for ${mode.what}: ${found.join(', ')}\n`);
    return 0;
  }
  const lines = [
    '',
    `Cannot start ${mode.what}: ${problems.length === 1 ? 'one prerequisite is' : `${problems.length} prerequisites are`} missing.`,
    '',
  ];
  problems.forEach((entry, index) => {
    lines.push(`  ${index + 1}. ${entry.problem}`);
    for (const line of entry.fix) lines.push(`     ${line}`);
    lines.push('');
  });
  lines.push(`Then run again: ${mode.command}   (README.md, "Prerequisites", has the details)`, '');
  process.stderr.write(lines.join('\n'));
  return 1;
}

async function main() {
  const name = process.argv[2] || 'test';
  const mode = MODES[name];
  if (!mode) {
    process.stderr.write(
      `check-prerequisites: unknown mode "${name}"; use one of ${Object.keys(MODES).join(', ')}\n`,
    );
    return 2;
  }
  const problems = [];
  const notes = [];
  const found = [checkNode(problems), checkDependencies(problems, mode)];
  const postgres = await checkPostgres(process.env);
  if (postgres.problem) problems.push(postgres);
  if (postgres.note) notes.push(postgres.note);
  found.push(postgres.found);
  found.push(checkBrokerBuild(problems));
  if (mode.chromium) found.push(checkChromium(problems));
  return report(
    mode,
    problems,
    notes,
    found.filter((item) => item),
  );
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // A bug here must not hide the real run: say so, and fail, since we cannot vouch for anything.
    process.stderr.write(`check-prerequisites failed unexpectedly: ${(error && error.stack) || error}\n`);
    process.exitCode = 1;
  },
);
