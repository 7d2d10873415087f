import type { HttpResult } from '../http-client';
import { requestPatiently } from './prepare';

/** A client that answers from a script, one answer per call, and counts the calls. */
const scripted = (...answers: HttpResult[]) => {
  let calls = 0;
  return {
    calls: () => calls,
    request: () => {
      const answer = answers[Math.min(calls, answers.length - 1)];
      calls++;
      return Promise.resolve(answer as HttpResult);
    },
  };
};
const status = (code: number): HttpResult => ({ ok: true, response: { status: code, body: {} } });

describe('requestPatiently', () => {
  it('tries again after answers that mean "not now", and says so', async () => {
    const http = scripted({ ok: false, errorKind: 'timeout' }, status(504), status(503), status(201));
    const { result, retried } = await requestPatiently(http, 'POST', '/v1/users', {}, 1);
    expect(result).toEqual(status(201));
    expect(retried).toBe(true);
    expect(http.calls()).toBe(4);
  });

  it('takes a refusal as it is, at once', async () => {
    const http = scripted(status(409), status(201));
    const { result, retried } = await requestPatiently(http, 'POST', '/v1/users', {}, 1);
    expect(result).toEqual(status(409));
    expect(retried).toBe(false);
    expect(http.calls()).toBe(1);
  });

  it('gives up after six attempts with the last answer', async () => {
    const http = scripted(status(429));
    const { result } = await requestPatiently(http, 'GET', '/v1/orders', {}, 1);
    expect(result).toEqual(status(429));
    expect(http.calls()).toBe(6);
  });
});
