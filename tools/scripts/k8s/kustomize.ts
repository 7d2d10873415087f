/**
 * An overlay as the cluster would receive it: `kubectl kustomize <dir>`, the renderer of `kubectl apply -k`
 * (kubectl ≥ 1.32 bundles kustomize 5.5), so what is checked is exactly what is applied.
 */
import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { isObject, type Resource } from './resources';

const MISSING =
  'kubectl is not on PATH: install kubectl ≥ 1.32 (npm run k8s:check renders the overlays with its built-in kustomize)';

function kubectl(args: string[]): string {
  const result = spawnSync('kubectl', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(missing ? MISSING : `kubectl ${args.join(' ')}: ${result.error.message}`);
  }
  if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed:\n${result.stderr.trim()}`);
  return result.stdout;
}

/** kubectl's client and kustomize versions (`Client Version: v1.32.4, Kustomize Version: v5.5.0`); throws when kubectl is missing. */
export function kubectlVersion(): string {
  return kubectl(['version', '--client']).trim().split('\n').join(', ');
}

/** The resources of one overlay, as `kubectl apply -k` would send them. */
export function renderOverlay(dir: string): Resource[] {
  const resources: Resource[] = [];
  for (const document of parseAllDocuments(kubectl(['kustomize', dir]))) {
    if (document.errors.length > 0) throw new Error(document.errors.map((e) => e.message).join('\n'));
    const value: unknown = document.toJS();
    if (isObject(value)) resources.push(value as Resource);
  }
  return resources;
}
