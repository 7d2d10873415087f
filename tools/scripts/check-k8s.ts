/**
 * npm run k8s:check: renders deploy/k8s/overlays/* offline and validates what a cluster would receive.
 *
 *   npx tsx --tsconfig tsconfig.base.json tools/scripts/check-k8s.ts [overlay-dir ...]
 *
 * - Rendering: a small Kustomize renderer for the subset the manifests use (resources, namespace, labels,
 *   images, configMapGenerator with merge and content-hash names, patches as JSON 6902 or merge patches
 *   with targets); anything else in a kustomization.yaml fails the check. When a `kustomize` or `kubectl`
 *   binary is on PATH, its output must equal the built-in renderer's.
 * - Every built-in resource is validated by kubernetes-models (types, required fields); the operators'
 *   resources (Strimzi, CloudNativePG) by the fields this project relies on.
 * - References: selectors match pod labels, probes and Services name real ports, autoscalers target
 *   Deployments, ConfigMaps and Secrets exist (generated here, created by CloudNativePG, or the
 *   documented `shop-jwt`), gRPC addresses name a Service on its port, topics are the topic list.
 * - The env contract of every app (tools/scripts/check-env-contract.ts).
 *
 * Each of these is a module under k8s/; this file runs them per overlay and reports.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { staleTopicFiles } from '../containers/generate-topics';
import { checkContracts } from './k8s/check-contracts';
import { checkReferences } from './k8s/check-references';
import { compareWithKustomize } from './k8s/compare-with-kustomize';
import { render } from './k8s/render';
import { ROOT, type Resource } from './k8s/resources';
import { validateSchemas } from './k8s/validate-schemas';

export { configMapHash } from './k8s/config-map-hash';
export { render } from './k8s/render';
export type { Resource } from './k8s/resources';

const K8S = join(ROOT, 'deploy/k8s');

async function checkOverlay(dir: string): Promise<boolean> {
  const label = relative(ROOT, dir);
  let resources: Resource[];
  try {
    resources = render(dir);
  } catch (error) {
    console.log(`FAIL ${label}: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
  const problems = await validateSchemas(resources);
  problems.push(...checkReferences(resources));
  const contracts = checkContracts(resources);
  problems.push(...contracts.problems);

  const notes = [`${resources.length} resources: ${[...new Set(resources.map((r) => r.kind))].join(', ')}`];
  const comparison = compareWithKustomize(dir, resources);
  if ('problem' in comparison) problems.push(comparison.problem);
  else notes.push(comparison.note);

  console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${label}`);
  for (const note of [...notes, ...contracts.reports]) console.log(`       ${note}`);
  for (const problem of problems) console.log(`     - ${problem}`);
  return problems.length === 0;
}

async function main(): Promise<void> {
  const overlays = process.argv.slice(2).map((dir) => resolve(dir));
  if (overlays.length === 0) {
    const base = join(K8S, 'overlays');
    overlays.push(
      ...readdirSync(base)
        .map((name) => join(base, name))
        .filter((path) => statSync(path).isDirectory()),
    );
  }
  let ok = true;
  const stale = staleTopicFiles().filter((path) => path.startsWith('deploy/k8s/'));
  if (stale.length > 0) {
    console.log(
      `FAIL ${stale.join(', ')} is out of date with libs/kafka/src/topics.ts (run tools/containers/generate-topics.ts)`,
    );
    ok = false;
  } else console.log('ok   deploy/k8s/infra/kafka-topics.yaml matches libs/kafka/src/topics.ts');
  for (const overlay of overlays) ok = (await checkOverlay(overlay)) && ok;
  if (!ok) {
    console.error('\nk8s:check FAILED');
    process.exit(1);
  }
  console.log('\nk8s:check passed');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
