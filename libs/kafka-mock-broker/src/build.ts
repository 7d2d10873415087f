import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Sources live beside this lib; the build output goes to the repository's gitignored cache, so a
// clean checkout always rebuilds from the pinned sources rather than trusting a committed binary.
const libRoot = resolve(__dirname, '..');
const repoRoot = resolve(libRoot, '..', '..');
const nativeDir = join(libRoot, 'native');
const sourcePath = join(nativeDir, 'kafka-mock-broker.c');
const buildScriptPath = join(nativeDir, 'build.sh');
// The patches build.sh applies to librdkafka's sources.
const patchPaths = () =>
  readdirSync(nativeDir)
    .filter((name) => /^librdkafka-.*\.patch$/.test(name))
    .map((name) => join(nativeDir, name));

/** Where build.sh puts the broker program (it may not exist yet; see ensureMockBrokerBuilt). */
export function mockBrokerBinaryPath(): string {
  return join(repoRoot, '.cache', 'kafka-mock-broker', 'bin', 'kafka-mock-broker');
}

function modifiedAt(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function isStale(): boolean {
  const binary = modifiedAt(mockBrokerBinaryPath());
  if (binary === undefined) return true;
  // build.sh and the patches count too: they hold the librdkafka pin, the compiler flags and the
  // changes to the mock's sources.
  return [sourcePath, buildScriptPath, ...patchPaths()].some((input) => (modifiedAt(input) ?? 0) > binary);
}

/**
 * Builds the broker when it is missing or older than its sources. The first build fetches and
 * compiles librdkafka (about a minute, progress on stderr); afterwards this costs two stat calls.
 * Synchronous so a jest global setup or a script can call it before anything else starts.
 */
export function ensureMockBrokerBuilt(): void {
  if (!isStale()) return;
  const result = spawnSync('bash', [buildScriptPath], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error)
    throw new Error(`kafka-mock-broker: cannot run ${buildScriptPath}: ${result.error.message}`);
  if (result.status !== 0) {
    const how = result.signal ? `signal ${result.signal}` : `exit code ${String(result.status)}`;
    throw new Error(`kafka-mock-broker: ${buildScriptPath} failed (${how}); its output is above`);
  }
}
