/**
 * Writes the deployment copies of the topic list from its single source of truth,
 * `libs/kafka/src/topics.ts`:
 *
 * - `deploy/compose/kafka/topics.txt`: `<name> <partitions>` per line, read by the compose `kafka-init` job;
 * - `deploy/k8s/infra/kafka-topics.yaml`: one Strimzi `KafkaTopic` per topic.
 *
 *   npx tsx --tsconfig tsconfig.base.json tools/containers/generate-topics.ts          # write
 *   npx tsx --tsconfig tsconfig.base.json tools/containers/generate-topics.ts --check  # fail if stale
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { allTopics } from '@shop/kafka/topics';

const ROOT = resolve(__dirname, '../..');
const HEADER = 'Generated from libs/kafka/src/topics.ts by tools/containers/generate-topics.ts: do not edit.';
/** The Strimzi `Kafka` resource the topics belong to (deploy/k8s/infra/kafka.yaml). */
export const STRIMZI_CLUSTER = 'shop';

export function composeTopics(): string {
  const lines = allTopics().map((topic) => `${topic.name} ${topic.partitions}`);
  return [`# ${HEADER}`, '# <topic> <partitions>', ...lines, ''].join('\n');
}

export function strimziTopics(): string {
  // Replication factor and min.insync.replicas come from the cluster's defaults, which differ per overlay.
  const documents = allTopics().map((topic) =>
    [
      'apiVersion: kafka.strimzi.io/v1beta2',
      'kind: KafkaTopic',
      'metadata:',
      `  name: ${topic.name}`,
      '  labels:',
      `    strimzi.io/cluster: ${STRIMZI_CLUSTER}`,
      'spec:',
      `  topicName: ${topic.name}`,
      `  partitions: ${topic.partitions}`,
    ].join('\n'),
  );
  return `# ${HEADER}\n${documents.join('\n---\n')}\n`;
}

export const GENERATED: Record<string, () => string> = {
  'deploy/compose/kafka/topics.txt': composeTopics,
  'deploy/k8s/infra/kafka-topics.yaml': strimziTopics,
};

/** The generated files that differ from what the topic list gives (empty when all are up to date). */
export function staleTopicFiles(): string[] {
  return Object.entries(GENERATED)
    .filter(([path, render]) => {
      let current = '';
      try {
        current = readFileSync(join(ROOT, path), 'utf8');
      } catch {
        // missing counts as stale
      }
      return current !== render();
    })
    .map(([path]) => path);
}

function main(): void {
  if (process.argv.includes('--check')) {
    const stale = staleTopicFiles();
    if (stale.length > 0) {
      console.error(
        `Out of date with libs/kafka/src/topics.ts: ${stale.join(', ')}\n` +
          'Run: npx tsx --tsconfig tsconfig.base.json tools/containers/generate-topics.ts',
      );
      process.exit(1);
    }
    console.log(`topic lists up to date (${allTopics().length} topics)`);
    return;
  }
  for (const [path, render] of Object.entries(GENERATED)) {
    writeFileSync(join(ROOT, path), render());
    console.log(`wrote ${relative(process.cwd(), join(ROOT, path))}`);
  }
}

if (require.main === module) main();
