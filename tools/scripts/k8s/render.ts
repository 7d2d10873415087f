/**
 * A small Kustomize renderer for the subset the manifests use: resources, namespace, labels, images,
 * configMapGenerator (create, merge, replace) with content-hash names, and patches. Anything else in a
 * kustomization.yaml is an error rather than silently ignored, so the check never passes on a
 * rendering that differs from what `kustomize build` would send to a cluster.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { configMapHash } from './config-map-hash';
import { applyJsonPatch, applyMergePatch, matches } from './patches';
import {
  ROOT,
  asArray,
  asObject,
  clone,
  containersOf,
  isObject,
  podSpecs,
  type Json,
  type JsonObject,
  type Resource,
} from './resources';

const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'labels',
  'images',
  'configMapGenerator',
  'patches',
]);

interface Generated {
  kind: 'ConfigMap' | 'Secret';
  name: string;
}

interface Rendered {
  resources: Resource[];
  generated: Map<Resource, Generated>;
}

function readDocuments(file: string): Resource[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
      return document.toJS() as Resource | null;
    })
    .filter((resource): resource is Resource => resource !== null);
}

/** `KEY=value` as kustomize reads a literal: surrounding quotes of the whole value are dropped. */
function literal(entry: string): [string, string] {
  const at = entry.indexOf('=');
  if (at <= 0) throw new Error(`literal without a key: ${entry}`);
  let value = entry.slice(at + 1);
  if (value.length >= 2 && /^(['"]).*\1$/s.test(value)) value = value.slice(1, -1);
  return [entry.slice(0, at), value];
}

function readKustomization(dir: string): { file: string; kustomization: JsonObject } {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${relative(ROOT, dir)}: no kustomization.yaml`);
  const kustomization = parse(readFileSync(file, 'utf8')) as JsonObject;
  for (const key of Object.keys(kustomization)) {
    if (!SUPPORTED.has(key))
      throw new Error(`${relative(ROOT, file)}: ${key} is not supported by this renderer`);
  }
  return { file, kustomization };
}

/** `resources:` in order: files as their documents, directories rendered as kustomizations of their own. */
function collectResources(dir: string, file: string, entries: Json[], into: Rendered): void {
  for (const entry of entries) {
    const path = join(dir, String(entry));
    if (!existsSync(path))
      throw new Error(`${relative(ROOT, file)}: resource ${String(entry)} does not exist`);
    if (statSync(path).isDirectory()) {
      const sub = renderDirectory(path);
      into.resources.push(...sub.resources);
      for (const [resource, info] of sub.generated) into.generated.set(resource, info);
    } else into.resources.push(...readDocuments(path));
  }
}

function generateConfigMaps(generators: JsonObject[], { resources, generated }: Rendered): void {
  for (const generator of generators) {
    const name = String(generator['name']);
    const data = Object.fromEntries(asArray(generator['literals']).map((entry) => literal(String(entry))));
    const behavior = String(generator['behavior'] ?? 'create');
    const existing = [...generated].find(([, info]) => info.kind === 'ConfigMap' && info.name === name)?.[0];
    for (const key of Object.keys(generator)) {
      if (!['name', 'literals', 'behavior'].includes(key))
        throw new Error(`configMapGenerator ${name}: ${key} unsupported`);
    }
    if (behavior === 'create') {
      if (existing) throw new Error(`configMapGenerator ${name} exists already (use behavior: merge)`);
      const resource: Resource = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
      resources.push(resource);
      generated.set(resource, { kind: 'ConfigMap', name });
    } else if (behavior === 'merge' || behavior === 'replace') {
      if (!existing) throw new Error(`configMapGenerator ${name}: nothing to ${behavior}`);
      existing['data'] = behavior === 'merge' ? { ...asObject(existing['data']), ...data } : data;
    } else throw new Error(`configMapGenerator ${name}: behavior ${behavior}`);
  }
}

function addLabels(labels: JsonObject[], resources: Resource[]): void {
  for (const label of labels) {
    if (label['includeSelectors'] === true) throw new Error('labels.includeSelectors is not supported');
    const pairs = asObject(label['pairs']) as Record<string, string>;
    for (const resource of resources) {
      resource.metadata['labels'] = { ...asObject(resource.metadata['labels']), ...pairs };
      if (label['includeTemplates'] === true) {
        const template = asObject(asObject(resource['spec'])['template']);
        if (isObject(template['metadata'])) {
          template['metadata']['labels'] = { ...asObject(template['metadata']['labels']), ...pairs };
        }
      }
    }
  }
}

function setImages(images: JsonObject[], resources: Resource[]): void {
  for (const image of images) {
    for (const resource of resources) {
      for (const container of containersOf(resource)) {
        const current = String(container['image']);
        const [name, tag] = /^(.*?)(?::([^:/]+))?$/.exec(current)?.slice(1) as [string, string | undefined];
        if (name !== image['name']) continue;
        const newName = image['newName'] === undefined ? name : String(image['newName']);
        const newTag = image['newTag'] === undefined ? tag : String(image['newTag']);
        container['image'] = newTag ? `${newName}:${newTag}` : newName;
      }
    }
  }
}

/** A patch is a JSON 6902 list (needs a target) or merge patches (a target, or each its own kind and name). */
function applyPatches(dir: string, patches: JsonObject[], resources: Resource[]): void {
  for (const patch of patches) {
    const text = patch['path']
      ? readFileSync(join(dir, String(patch['path'])), 'utf8')
      : String(patch['patch']);
    const target = isObject(patch['target']) ? patch['target'] : undefined;
    const documents = parseAllDocuments(text).map((document) => document.toJS() as Json);
    if (Array.isArray(documents[0])) {
      if (!target) throw new Error('a JSON 6902 patch needs a target');
      const selected = resources.filter((resource) => matches(resource, target));
      if (selected.length === 0) throw new Error(`patch target ${JSON.stringify(target)} selects nothing`);
      for (const resource of selected) applyJsonPatch(resource, documents[0].filter(isObject));
    } else {
      for (const document of documents.filter(isObject)) {
        const doc = document as Resource;
        const selected = resources.filter((resource) =>
          target
            ? matches(resource, target)
            : resource.kind === doc.kind && resource.metadata.name === doc.metadata?.name,
        );
        if (selected.length === 0)
          throw new Error(`merge patch ${doc.kind}/${doc.metadata?.name} selects nothing`);
        for (const resource of selected) {
          const { apiVersion: _apiVersion, kind: _kind, ...rest } = doc;
          const body = clone(rest) as JsonObject;
          delete asObject(body['metadata'])['name'];
          applyMergePatch(resource, body);
        }
      }
    }
  }
}

/** One kustomization, its transformers applied in kustomize's order; generated names not yet hashed. */
function renderDirectory(dir: string): Rendered {
  const { file, kustomization } = readKustomization(dir);
  const rendered: Rendered = { resources: [], generated: new Map() };
  const { resources } = rendered;
  collectResources(dir, file, asArray(kustomization['resources']), rendered);
  generateConfigMaps(asArray(kustomization['configMapGenerator']).filter(isObject), rendered);
  addLabels(asArray(kustomization['labels']).filter(isObject), resources);
  setImages(asArray(kustomization['images']).filter(isObject), resources);
  applyPatches(dir, asArray(kustomization['patches']).filter(isObject), resources);
  if (kustomization['namespace']) {
    for (const resource of resources) resource.metadata['namespace'] = String(kustomization['namespace']);
  }
  return rendered;
}

/** Points the pods' ConfigMap volumes, envFrom and configMapKeyRef at the hashed names. */
function followRenames(resources: Resource[], renamed: Map<string, string>): void {
  const rename = (ref: JsonObject) => {
    if (ref['name'] !== undefined)
      ref['name'] = renamed.get(`ConfigMap/${String(ref['name'])}`) ?? ref['name'];
  };
  for (const resource of resources) {
    for (const spec of podSpecs(resource)) {
      for (const volume of asArray(spec['volumes']).filter(isObject)) rename(asObject(volume['configMap']));
    }
    for (const container of containersOf(resource)) {
      for (const source of asArray(container['envFrom']).filter(isObject))
        rename(asObject(source['configMapRef']));
      for (const variable of asArray(container['env']).filter(isObject))
        rename(asObject(asObject(variable['valueFrom'])['configMapKeyRef']));
    }
  }
}

/** Renders an overlay like `kustomize build`: generated names get their content hash, references follow. */
export function render(dir: string): Resource[] {
  const { resources, generated } = renderDirectory(dir);
  const renamed = new Map<string, string>();
  for (const [resource, info] of generated) {
    const hashed = `${info.name}-${configMapHash(asObject(resource['data']) as Record<string, string>)}`;
    renamed.set(`${info.kind}/${info.name}`, hashed);
    resource.metadata.name = hashed;
  }
  followRenames(resources, renamed);
  return resources;
}
