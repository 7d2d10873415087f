/** Each app's container environment, as the rendered manifests give it, against the app's env schema. */
import { APP_SCHEMAS, checkAppEnv } from '../check-env-contract';
import { containerEnv, indexResources } from './resource-index';
import { asText, containersOf, type Resource } from './resources';

export function checkContracts(resources: Resource[]): { reports: string[]; problems: string[] } {
  const { configMaps, deployments } = indexResources(resources);
  const reports: string[] = [];
  const problems: string[] = [];
  for (const deployment of deployments) {
    for (const container of containersOf(deployment)) {
      const app = asText(container['name']);
      if (!APP_SCHEMAS[app]) continue;
      const report = checkAppEnv(app, containerEnv(container, configMaps));
      reports.push(
        `${app}: ${report.problems.length === 0 ? 'ok' : 'FAILED'} (${report.given.length} variables)`,
      );
      problems.push(...report.problems.map((problem) => `${app}: ${problem}`));
    }
  }
  return { reports, problems };
}
