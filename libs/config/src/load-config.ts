import { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Validates the environment against an app's schema once, at start-up, and reports every problem at
 * once, by variable name, so a misconfigured deployment fails before it serves anything.
 */
export function loadConfig<Schema extends z.ZodType>(
  schema: Schema,
  env: Environment = process.env,
): z.output<Schema> {
  // Empty strings are how shells and compose files say "unset"; treat them so, so defaults apply.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      return `${name}: ${issue.message}`;
    }),
  );
}

/** The variables a schema reads, with their descriptions: the app's documented environment contract. */
export function describeConfig(
  schema: z.ZodObject,
): { name: string; required: boolean; description: string }[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const type = field as z.ZodType;
    return { name, required: !type.safeParse(undefined).success, description: type.description ?? '' };
  });
}
