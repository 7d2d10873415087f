import type { ErrorDetail } from '@shop/errors';

/** A validation error as TypeBox (and Ajv) report them. */
interface SchemaError {
  keyword: string;
  instancePath: string;
  schemaPath?: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Where the invalid value was: Fastify's `validationContext`. */
export type RequestPart = 'body' | 'querystring' | 'params' | 'headers';

const isSchemaError = (value: unknown): value is SchemaError =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as SchemaError).keyword === 'string' &&
  typeof (value as SchemaError).instancePath === 'string';

/** `/items/0/quantity` → `items[0].quantity` (JSON Pointer to the path notation of ErrorDetail.field). */
export function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, token) => {
      if (/^\d+$/.test(token)) return `${path}[${token}]`;
      return path ? `${path}.${token}` : token;
    }, '');
}

const headerName = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());

function field(part: RequestPart, path: string): string | undefined {
  if (!path) return undefined;
  return part === 'headers' ? headerName(path) : path;
}

const join = (path: string, name: string) => (path ? `${path}.${name}` : name);

const stringList = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

function detailsOf(part: RequestPart, error: SchemaError): ErrorDetail[] {
  const path = pointerToPath(error.instancePath);
  const at = (fieldPath: string, message: string): ErrorDetail => {
    const name = field(part, fieldPath);
    return name === undefined ? { message } : { field: name, message };
  };
  switch (error.keyword) {
    case 'required':
      return stringList(error.params.requiredProperties ?? [error.params.missingProperty]).map((name) =>
        at(join(path, name), 'is required'),
      );
    case 'additionalProperties':
      return stringList(error.params.additionalProperties ?? [error.params.additionalProperty]).map((name) =>
        at(join(path, name), 'is not a known field'),
      );
    case 'boolean':
      // `additionalProperties: false` reports each unknown field twice; the keyword above says it better.
      return [];
    case 'enum':
      return [at(path, `must be one of: ${stringList(error.params.allowedValues).join(', ')}`)];
    case 'type':
      if (!path && part === 'body') return [{ message: 'The body must be a JSON object' }];
      return [at(path, error.message ?? 'has the wrong type')];
    default:
      return [at(path, error.message ?? 'is not valid')];
  }
}

/** Turns schema validation errors into details that name the fields, one per problem. */
export function validationDetails(part: RequestPart, errors: unknown): ErrorDetail[] {
  const list = Array.isArray(errors) ? errors.filter(isSchemaError) : [];
  const seen = new Set<string>();
  return list
    .flatMap((error) => detailsOf(part, error))
    .filter((detail) => {
      const key = `${detail.field ?? ''}\u0000${detail.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
