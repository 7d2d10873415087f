/**
 * The built-in renderer checked against the real one: when a `kustomize` or `kubectl` binary is on
 * PATH, its rendering of the overlay must be the same resources.
 */
import { spawnSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { key, type Resource } from './resources';

/** The same overlay rendered by a kustomize binary, when one is installed. */
function renderWithBinary(dir: string): { tool: string; resources: Resource[] } | undefined {
  const candidates: [string, string[]][] = [
    ['kustomize', ['build', dir]],
    ['kubectl', ['kustomize', dir]],
  ];
  for (const [command, args] of candidates) {
    if (spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0) continue;
    const result = spawnSync(command, args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
    const resources = parseAllDocuments(result.stdout).map((document) => document.toJS() as Resource);
    return { tool: `${command} ${args[0]}`, resources };
  }
  return undefined;
}

/** A problem where a binary renders `resources` differently; otherwise a note on what was compared. */
export function compareWithKustomize(
  dir: string,
  resources: Resource[],
): { problem: string } | { note: string } {
  const binary = renderWithBinary(dir);
  if (!binary) return { note: 'no kustomize or kubectl on PATH: rendered by the built-in renderer only' };
  // Compared without the hash suffixes first (another kustomize version may hash differently), then as is.
  const generatedNames = new Set(
    resources.filter((r) => r.kind === 'ConfigMap').map((r) => r.metadata.name.replace(/-[a-z0-9]{10}$/, '')),
  );
  const unhash = (list: Resource[]) =>
    JSON.parse(
      JSON.stringify(list).replace(/"([a-z0-9.-]+)-[a-z0-9]{10}"/g, (match: string, name: string) =>
        generatedNames.has(name) ? `"${name}"` : match,
      ),
    ) as Resource[];
  const sort = (list: Resource[]) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
  const ours = sort(unhash(resources));
  const theirs = sort(unhash(binary.resources));
  const differing = theirs.filter((resource, i) => !isDeepStrictEqual(resource, ours[i])).map(key);
  if (ours.length !== theirs.length || differing.length > 0) {
    return {
      problem: `${binary.tool} renders differently: ${differing.join(', ') || `${theirs.length} vs ${ours.length} resources`}`,
    };
  }
  const sameHashes = isDeepStrictEqual(sort(resources), sort(binary.resources));
  return {
    note: `identical to ${binary.tool}${sameHashes ? ', content hashes included' : ' (but for the content-hash suffixes)'}`,
  };
}
