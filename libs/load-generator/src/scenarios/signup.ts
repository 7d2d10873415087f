import { expectStatus, type Scenario } from './types';

export const SIGNUP_PASSWORD = 'load test password';

/** A new customer registers and logs in (both hash or verify a password: the users service's CPU). */
export const signup: Scenario = {
  name: 'signup',
  needsOrders: false,
  async run(env) {
    const email = `loadgen-${env.uniqueId()}@example.com`;
    const registered = await env.call('POST /v1/users', 'POST', '/v1/users', {
      body: { email, name: 'Load Test', password: SIGNUP_PASSWORD },
    });
    const created = expectStatus(registered, 201);
    if (!created.ok) return created;
    const token = await env.call('POST /v1/auth/token', 'POST', '/v1/auth/token', {
      body: { email, password: SIGNUP_PASSWORD },
    });
    return expectStatus(token, 200);
  },
};
