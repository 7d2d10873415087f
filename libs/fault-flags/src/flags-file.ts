import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { MemoryStorage } from '@openfeature/flagd-core';
import { FAULTS, type FaultName } from './faults';

/**
 * The fault flags file, as `npm run flags` edits it. Each fault is a flagd flag with two variants: `off`
 * (the value that injects nothing) and `on` (the value in force when it is set); `defaultVariant` says
 * which one applies. Types and ranges come from the file itself (the `off` value's type, `metadata.min`
 * and `metadata.max`), so that a new fault needs no change here.
 */
export interface FaultFlag {
  state: 'ENABLED' | 'DISABLED';
  variants: { off: FlagValue; on: FlagValue };
  defaultVariant: 'off' | 'on';
  metadata: { description: string; min?: number; max?: number };
}
export type FlagValue = number | boolean;
export interface FlagsFile {
  $schema: string;
  flags: Record<string, FaultFlag>;
}

/** A value refused by `set`: the message says why, for the person at the terminal. */
export class FlagValueError extends Error {
  override readonly name = 'FlagValueError';
}

export function readFlagsFile(path: string): FlagsFile {
  return parseFlagsText(readFileSync(path, 'utf8'));
}

/**
 * The flags file in `text`, or a FlagValueError saying what is wrong with it: not JSON, not valid for
 * flagd's schema (checked strictly: flagd itself only logs that), or a fault that is not one, whose `on`
 * and `off` values differ in type or whose value lies outside its `metadata.min`..`metadata.max`.
 */
export function parseFlagsText(text: string): FlagsFile {
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch (error) {
    throw new FlagValueError(`not JSON: ${(error as Error).message}`);
  }
  // The faults' own checks first: for a fault, their one line says more than the schema's alternatives.
  const flags = (file as { flags?: unknown } | null)?.flags;
  if (typeof flags === 'object' && flags !== null) {
    for (const [name, flag] of Object.entries(flags as Record<string, Partial<FaultFlag> | null>)) {
      if (typeof flag === 'object' && flag !== null) assertFault(name, flag);
    }
  }
  assertFlagdSchema(text);
  return file as FlagsFile;
}

/** Writes through a rename, so that an app polling the file never reads it half written. */
export function writeFlagsFile(path: string, flags: FlagsFile): void {
  const text = `${JSON.stringify(flags, null, 2)}\n`;
  assertFlagdSchema(text);
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/** Throws unless `text` passes flagd's own schema (precompiled in @openfeature/flagd-core). */
export function assertFlagdSchema(text: string): void {
  const silent = { error() {}, warn() {}, info() {}, debug() {} };
  try {
    new MemoryStorage(silent).setConfigurations(text, true);
  } catch (error) {
    throw new FlagValueError(`not a valid flagd file: ${schemaProblems(error)}`);
  }
}

// flagd's message is "invalid flagd flag configuration: " and the validator's errors as indented JSON;
// the first few, one line each, say enough.
function schemaProblems(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const json = message.indexOf('[');
  try {
    const problems = JSON.parse(message.slice(json)) as Array<{ instancePath: string; message: string }>;
    return problems
      .slice(0, 3)
      .map((problem) => `${problem.instancePath || '/'} ${problem.message}`)
      .join('; ');
  } catch {
    return error instanceof Error && error.cause instanceof Error ? error.cause.message : message;
  }
}

function assertFault(name: string, flag: Partial<FaultFlag>): void {
  const variants: Partial<FaultFlag['variants']> = flag.variants ?? {};
  const { off, on } = variants;
  if (
    off === undefined ||
    on === undefined ||
    (flag.defaultVariant !== 'off' && flag.defaultVariant !== 'on')
  ) {
    throw new FlagValueError(
      `${name}: a fault needs the variants "off" and "on", and one of them as defaultVariant`,
    );
  }
  const expected = name in FAULTS ? typeof FAULTS[name as FaultName] : undefined;
  if ((typeof off !== 'number' && typeof off !== 'boolean') || (expected && typeof off !== expected)) {
    throw new FlagValueError(
      `${name}: "off" (${JSON.stringify(off)}) is not a ${expected ?? 'number or boolean'}`,
    );
  }
  if (typeof on !== typeof off) {
    throw new FlagValueError(
      `${name}: "on" (${JSON.stringify(on)}) is not of the type of "off" (${JSON.stringify(off)})`,
    );
  }
  const { min, max } = flag.metadata ?? {};
  for (const value of [off, on]) {
    if (
      typeof value === 'number' &&
      ((min !== undefined && value < min) || (max !== undefined && value > max))
    ) {
      throw new FlagValueError(`${name} must be between ${min ?? '-∞'} and ${max ?? '∞'}, not ${value}`);
    }
  }
}

export function currentValue(flag: FaultFlag): FlagValue {
  return flag.variants[flag.defaultVariant];
}

export function listFlags(file: FlagsFile) {
  return Object.entries(file.flags).map(([name, flag]) => ({
    name,
    value: currentValue(flag),
    off: flag.variants.off,
    description: flag.metadata.description,
  }));
}

/** The file with fault `name` set to `raw` (as typed on the command line), or a FlagValueError. */
export function setFlag(file: FlagsFile, name: string, raw: string): FlagsFile {
  const flag = file.flags[name];
  if (!flag) {
    throw new FlagValueError(`unknown flag "${name}"; the flags are: ${Object.keys(file.flags).join(', ')}`);
  }
  const value = parseValue(name, flag, raw);
  const variant = value === flag.variants.off ? 'off' : 'on';
  const variants = variant === 'on' ? { ...flag.variants, on: value } : flag.variants;
  return { ...file, flags: { ...file.flags, [name]: { ...flag, variants, defaultVariant: variant } } };
}

/** The file with every fault off (the `on` values are kept, ready for the next `set`). */
export function resetFlags(file: FlagsFile): FlagsFile {
  const flags = Object.fromEntries(
    Object.entries(file.flags).map(([name, flag]) => [name, { ...flag, defaultVariant: 'off' as const }]),
  );
  return { ...file, flags };
}

function parseValue(name: string, flag: FaultFlag, raw: string): FlagValue {
  if (typeof flag.variants.off === 'boolean') {
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw new FlagValueError(`${name} is a boolean: give true or false, not "${raw}"`);
  }
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(value)) throw new FlagValueError(`${name} is a number: "${raw}" is not one`);
  const { min, max } = flag.metadata;
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    throw new FlagValueError(`${name} must be between ${min ?? '-∞'} and ${max ?? '∞'}, not ${value}`);
  }
  return value;
}
