/**
 * Where the apps are pointed at: the topics are the topic list, on a Kafka of these manifests, with
 * no more consumers than partitions; the ConfigMaps name a database primary, a Kafka bootstrap, and
 * peer Services on their ports.
 */
import { isDeepStrictEqual } from 'node:util';
import { allTopics } from '@shop/kafka/topics';
import type { ResourceIndex } from './resource-index';
import { asArray, asObject, asText, at, key } from './resources';

export function checkTopics({ byKind, kafkas }: ResourceIndex): string[] {
  const problems: string[] = [];
  const topics = byKind('KafkaTopic').map((topic) => ({
    name: String(at(topic, 'spec.topicName')),
    partitions: Number(at(topic, 'spec.partitions')),
    cluster: asText(asObject(topic.metadata['labels'])['strimzi.io/cluster']),
  }));
  const expected = allTopics();
  // kubectl kustomize orders resources its own way: compared as sets.
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  if (
    !isDeepStrictEqual(
      topics.map(({ name, partitions }) => ({ name, partitions })).sort(byName),
      [...expected].sort(byName),
    )
  ) {
    problems.push('the KafkaTopics are not the topic list of libs/kafka/src/topics.ts');
  }
  for (const topic of topics)
    if (!kafkas.has(topic.cluster)) problems.push(`KafkaTopic ${topic.name}: no Kafka ${topic.cluster}`);
  // A consumer replica beyond the partition count of a topic it reads would sit idle.
  const fewest = Math.min(
    ...expected.filter((topic) => !topic.name.endsWith('.dlt')).map((topic) => topic.partitions),
  );
  for (const hpa of byKind('HorizontalPodAutoscaler')) {
    const max = Number(at(hpa, 'spec.maxReplicas'));
    if (max > fewest)
      problems.push(`${key(hpa)}: maxReplicas ${max} exceeds the ${fewest} partitions of an event topic`);
  }
  return problems;
}

export function checkConfigMapTargets({ configMaps, clusters, kafkas, services }: ResourceIndex): string[] {
  const problems: string[] = [];
  for (const [name, data] of configMaps) {
    const pgHost = data['PGHOST'];
    if (pgHost !== undefined && !clusters.has(asText(pgHost).replace(/-rw$/, ''))) {
      problems.push(`ConfigMap ${name}: PGHOST ${asText(pgHost)} is no CloudNativePG cluster's -rw Service`);
    }
    const brokers = data['KAFKA_BROKERS'];
    if (brokers !== undefined) {
      for (const broker of asText(brokers).split(',')) {
        const host = broker.split(':')[0] as string;
        if (!kafkas.has(host.replace(/-kafka-bootstrap$/, '')))
          problems.push(`ConfigMap ${name}: ${broker} is no Kafka bootstrap`);
      }
    }
    for (const [variable, value] of Object.entries(data)) {
      if (!variable.endsWith('_SERVICE_ADDRESS')) continue;
      const match = /^dns:\/\/\/([a-z0-9-]+):(\d+)$/.exec(asText(value));
      const service = match ? services.get(match[1] as string) : undefined;
      const ports = asArray(asObject(service?.['spec'])['ports']).map((port) => asObject(port)['port']);
      if (!service || !ports.includes(Number(match?.[2])))
        problems.push(`ConfigMap ${name}: ${variable}=${asText(value)} names no Service port`);
      else if (asObject(service['spec'])['clusterIP'] !== 'None') {
        problems.push(
          `${key(service)}: not headless, so dns:/// clients would see one address, not every pod`,
        );
      }
    }
  }
  return problems;
}
