/** The two kinds of kustomize patch the manifests use: JSON 6902 operations and merge patches. */
import {
  asObject,
  clone,
  groupOf,
  isObject,
  versionOf,
  type Json,
  type JsonObject,
  type Resource,
} from './resources';

function parsePointer(path: string): string[] {
  if (!path.startsWith('/')) throw new Error(`not a JSON pointer: ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function applyJsonPatch(resource: Resource, operations: JsonObject[]): void {
  for (const operation of operations) {
    const op = operation['op'];
    const path = parsePointer(String(operation['path']));
    const last = path.pop() as string;
    let parent: Json = resource;
    for (const part of path) {
      const next: Json | undefined = Array.isArray(parent) ? parent[Number(part)] : asObject(parent)[part];
      if (next === undefined || next === null) {
        throw new Error(
          `${op} ${operation['path']}: ${part} missing in ${resource.kind}/${resource.metadata.name}`,
        );
      }
      parent = next;
    }
    if (op === 'add' || op === 'replace') {
      const value = clone(operation['value'] ?? null);
      if (Array.isArray(parent)) {
        const index = last === '-' ? parent.length : Number(last);
        if (op === 'add') parent.splice(index, 0, value);
        else if (index >= parent.length) throw new Error(`replace ${operation['path']}: no element ${index}`);
        else parent[index] = value;
      } else if (isObject(parent)) {
        if (op === 'replace' && !(last in parent)) {
          throw new Error(
            `replace ${operation['path']}: missing in ${resource.kind}/${resource.metadata.name}`,
          );
        }
        parent[last] = value;
      }
    } else if (op === 'remove') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else if (isObject(parent)) {
        if (!(last in parent)) throw new Error(`remove ${operation['path']}: missing`);
        delete parent[last];
      }
    } else throw new Error(`unsupported JSON patch operation ${String(op)}`);
  }
}

/** Lists merged by a key in a strategic merge patch of a built-in resource (by `name`). */
const MERGE_BY_NAME = new Set(['containers', 'initContainers', 'env', 'volumes', 'volumeMounts', 'ports']);
const BUILT_IN_GROUPS = new Set(['', 'apps', 'policy', 'autoscaling', 'batch', 'networking.k8s.io']);

function mergePatch(target: JsonObject, patch: JsonObject, builtIn: boolean): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (value === null) delete target[key];
    else if (isObject(value) && isObject(current)) mergePatch(current, value, builtIn);
    else if (builtIn && MERGE_BY_NAME.has(key) && Array.isArray(value) && Array.isArray(current)) {
      for (const item of value) {
        const name = asObject(item)['name'];
        const match = current.find((existing) => asObject(existing)['name'] === name);
        if (name !== undefined && isObject(match) && isObject(item)) mergePatch(match, item, builtIn);
        else current.push(clone(item));
      }
    } else target[key] = clone(value);
  }
}

/**
 * A merge patch: strategic (lists of containers, env, ... merged by name) on built-in kinds, plain
 * JSON merge on the operators' kinds, whose schemas kustomize does not know.
 */
export function applyMergePatch(resource: Resource, patch: JsonObject): void {
  mergePatch(resource, patch, BUILT_IN_GROUPS.has(groupOf(resource.apiVersion)));
}

/** Whether a patch's `target` selects the resource: each field given is an anchored regular expression. */
export function matches(resource: Resource, target: JsonObject): boolean {
  for (const key of Object.keys(target)) {
    if (!['kind', 'name', 'group', 'version'].includes(key))
      throw new Error(`unsupported patch target field ${key}`);
  }
  const anchored = (pattern: Json | undefined, value: string) =>
    pattern === undefined || new RegExp(`^(?:${String(pattern)})$`).test(value);
  return (
    anchored(target['kind'], resource.kind) &&
    anchored(target['name'], resource.metadata.name) &&
    anchored(target['group'], groupOf(resource.apiVersion)) &&
    anchored(target['version'], versionOf(resource.apiVersion))
  );
}
