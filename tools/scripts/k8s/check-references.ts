/** The cross-resource checks, in the order their problems are reported. */
import {
  checkAutoscalersAndBudgets,
  checkDeployments,
  checkEveryAppDeployed,
  checkServices,
  checkUnique,
} from './check-workloads';
import { checkIdentity } from './check-identity';
import { checkConfigMapTargets, checkTopics } from './check-wiring';
import { indexResources } from './resource-index';
import type { Resource } from './resources';

export function checkReferences(resources: Resource[]): string[] {
  const index = indexResources(resources);
  return [
    ...checkUnique(resources),
    ...checkDeployments(index),
    ...checkServices(index),
    ...checkAutoscalersAndBudgets(index),
    ...checkEveryAppDeployed(resources),
    ...checkTopics(index),
    ...checkConfigMapTargets(index),
    ...checkIdentity(index),
  ];
}
