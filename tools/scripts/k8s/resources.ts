/**
 * Kubernetes resources as parsed YAML, and accessors that answer an empty object or list for a field
 * that is missing or of another type, so a check reads a manifest without guarding every level.
 */
import { resolve } from 'node:path';

/** Paths in messages are relative to the workspace. */
export const ROOT = resolve(__dirname, '../../..');

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export interface Resource extends JsonObject {
  apiVersion: string;
  kind: string;
  metadata: JsonObject & { name: string };
}

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const asObject = (value: Json | undefined): JsonObject => (isObject(value) ? value : {});
export const asArray = (value: Json | undefined): Json[] => (Array.isArray(value) ? value : []);
/** A scalar as text for names and messages; '' for a missing field, a list or an object. */
export const asText = (value: Json | undefined): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : '';

/** `Kind/name`: how messages name a resource. */
export const key = (resource: Resource) => `${resource.kind}/${resource.metadata.name}`;

/** A dotted path into a resource (`spec.replicas`); undefined where any step is missing. */
export const at = (resource: Resource, path: string): unknown =>
  path.split('.').reduce<unknown>((value, part) => (isObject(value) ? value[part] : undefined), resource);

export const groupOf = (apiVersion: string) =>
  apiVersion.includes('/') ? (apiVersion.split('/')[0] as string) : '';
export const versionOf = (apiVersion: string) => apiVersion.split('/').pop() as string;

function podSpecs(resource: Resource): JsonObject[] {
  const spec = asObject(resource['spec']);
  const template = asObject(spec['template']);
  return isObject(template['spec']) ? [template['spec']] : [];
}

export function containersOf(resource: Resource): JsonObject[] {
  return podSpecs(resource).flatMap((spec) =>
    [...asArray(spec['containers']), ...asArray(spec['initContainers'])].filter(isObject),
  );
}
