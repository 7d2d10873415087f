/**
 * npm run k8s:check: renders deploy/k8s/overlays/* with `kubectl kustomize` (what `kubectl apply -k`
 * sends) and validates the result offline, without a cluster.
 *
 *   npx tsx --tsconfig tsconfig.base.json tools/scripts/check-k8s.ts [overlay-dir ...]
 *
 * - Every built-in resource is validated by kubernetes-models (types, required fields); the operators'
 *   resources (Strimzi, CloudNativePG, cert-manager) by the fields this project relies on.
 * - References: selectors match pod labels, probes and Services name real ports, autoscalers target
 *   Deployments, ConfigMaps and Secrets exist (generated here, created by CloudNativePG or cert-manager,
 *   or the documented `shop-jwt`), gRPC addresses name a Service on its port, topics are the topic list.
 * - Service identity: each app's GRPC_TLS_DIR is a Secret a Certificate issues for
 *   spiffe://shop.local/<app>, signed by the shop's CA; gRPC probes use the plaintext probe port.
 * - NetworkPolicies: every connection the apps' env names, and what the operators need, is allowed;
 *   nothing else between the apps and the databases is.
 * - The env contract of every app (tools/scripts/check-env-contract.ts).
 *
 * Each of these is a module under k8s/; this file runs them per overlay and reports.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { staleTopicFiles } from '../containers/generate-topics';
import { checkContracts } from './k8s/check-contracts';
import { checkNetwork } from './k8s/check-network';
import { checkReferences } from './k8s/check-references';
import { kubectlVersion, renderOverlay } from './k8s/kustomize';
import { indexResources } from './k8s/resource-index';
import { ROOT, type Resource } from './k8s/resources';
import { validateSchemas } from './k8s/validate-schemas';

export type { Resource } from './k8s/resources';

const K8S = join(ROOT, 'deploy/k8s');

async function checkOverlay(dir: string): Promise<boolean> {
  const label = relative(ROOT, dir);
  let resources: Resource[];
  try {
    resources = renderOverlay(dir);
  } catch (error) {
    console.log(`FAIL ${label}: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
  const problems = await validateSchemas(resources);
  problems.push(...checkReferences(resources));
  const network = checkNetwork(indexResources(resources));
  problems.push(...network.problems);
  const contracts = checkContracts(resources);
  problems.push(...contracts.problems);

  const kinds = [...new Set(resources.map((r) => r.kind))].join(', ');
  const notes = [`${resources.length} resources: ${kinds}`, network.note];
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
  let version: string;
  try {
    version = kubectlVersion();
  } catch (error) {
    console.error(`k8s:check FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  let ok = true;
  const stale = staleTopicFiles().filter((path) => path.startsWith('deploy/k8s/'));
  if (stale.length > 0) {
    console.log(
      `FAIL ${stale.join(', ')} is out of date with libs/kafka/src/topics.ts (run tools/containers/generate-topics.ts)`,
    );
    ok = false;
  } else console.log('ok   deploy/k8s/infra/kafka-topics.yaml matches libs/kafka/src/topics.ts');
  console.log(`     rendering with kubectl kustomize (${version})`);
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
