import { browse } from './browse';
import { checkout } from './checkout';
import { mixed, type Mix } from './mixed';
import { signup } from './signup';
import type { Scenario, ScenarioName } from './types';

export * from './types';
export { DEFAULT_MIX, chooseWeighted, type Mix } from './mixed';
export { prepareUsers } from './prepare';

export function scenarioNamed(name: ScenarioName, mix: Mix): Scenario {
  switch (name) {
    case 'browse':
      return browse;
    case 'signup':
      return signup;
    case 'checkout':
      return checkout;
    case 'mixed':
      return mixed(mix);
  }
}

/** Whether a run of the scenario places orders and so has settle figures (and can take a settle SLO). */
export const settlesOrders = (name: ScenarioName, mix: Mix): boolean =>
  name === 'checkout' || (name === 'mixed' && mix.checkout > 0);
