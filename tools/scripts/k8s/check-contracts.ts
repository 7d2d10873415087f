/** Each app's container environment, as the rendered manifests give it, against the app's env schema. */
import { APP_SCHEMAS, OPAQUE, checkAppEnv, type EnvValue } from '../check-env-contract';
import { asArray, asObject, containersOf, isObject, type Resource } from './resources';

export function checkContracts(resources: Resource[]): { reports: string[]; problems: string[] } {
  const configMaps = new Map(
    resources
      .filter((resource) => resource.kind === 'ConfigMap')
      .map((resource) => [resource.metadata.name, asObject(resource['data'])]),
  );
  const reports: string[] = [];
  const problems: string[] = [];
  for (const deployment of resources.filter((resource) => resource.kind === 'Deployment')) {
    for (const container of containersOf(deployment)) {
      const app = String(container['name']);
      if (!APP_SCHEMAS[app]) continue;
      const env: Record<string, EnvValue> = {};
      for (const source of asArray(container['envFrom']).filter(isObject)) {
        const data = configMaps.get(String(asObject(source['configMapRef'])['name'])) ?? {};
        for (const [name, value] of Object.entries(data)) env[name] = String(value);
      }
      // A value from a Secret is unknown here: present, but not for the schema to judge.
      for (const variable of asArray(container['env']).filter(isObject)) {
        env[String(variable['name'])] = variable['value'] !== undefined ? String(variable['value']) : OPAQUE;
      }
      const report = checkAppEnv(app, env);
      reports.push(
        `${app}: ${report.problems.length === 0 ? 'ok' : 'FAILED'} (${report.given.length} variables)`,
      );
      problems.push(...report.problems.map((problem) => `${app}: ${problem}`));
    }
  }
  return { reports, problems };
}
