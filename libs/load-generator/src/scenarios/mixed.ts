import type { Outcome } from '../open-loop';
import { browse } from './browse';
import { checkout } from './checkout';
import { signup } from './signup';
import type { Scenario, ScenarioEnv } from './types';

export type Mix = Record<'browse' | 'checkout' | 'signup', number>;

export const DEFAULT_MIX: Mix = { browse: 70, checkout: 25, signup: 5 };

const SCENARIOS = { browse, checkout, signup } as const;

/** Picks one of the weighted scenarios for a uniform number in [0, 1). */
export function chooseWeighted(mix: Mix, u: number): Scenario {
  const entries = (Object.keys(SCENARIOS) as (keyof Mix)[]).filter((name) => mix[name] > 0);
  const total = entries.reduce((sum, name) => sum + mix[name], 0);
  let threshold = u * total;
  for (const name of entries) {
    threshold -= mix[name];
    if (threshold < 0) return SCENARIOS[name];
  }
  return SCENARIOS[entries[entries.length - 1] ?? 'browse'];
}

/** Every arrival is one of the other scenarios, drawn by weight (browse 70 / checkout 25 / signup 5). */
export function mixed(mix: Mix): Scenario {
  return {
    name: 'mixed',
    needsOrders: mix.browse > 0,
    run(env: ScenarioEnv, intendedAt: number): Promise<Outcome> {
      return chooseWeighted(mix, env.random()).run(env, intendedAt);
    },
  };
}
