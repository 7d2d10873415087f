// A call to the shop's public API as a shopper makes it (JSON in and out, the access token as a bearer
// header), for the demo traffic here and the flow of `npm run compose:smoke`
// (tools/containers/compose-flow.mjs). It lives in this directory because the demo-traffic container
// mounts only this directory; the smoke flow runs on the host and imports it from here.

/**
 * Resolves with the JSON body and the id of the trace the request started (the gateway's `x-trace-id`);
 * rejects on any answer but 2xx with an Error whose `status` is the answer's.
 */
export async function callShopApi(
  baseUrl,
  method,
  path,
  { body, token, headers = {}, timeoutMs = 10_000 } = {},
) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Bearer ${token}` }),
      ...headers,
    },
    body: body && JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (!response.ok) {
    throw Object.assign(new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`), {
      status: response.status,
    });
  }
  return { json: text ? JSON.parse(text) : undefined, traceId: response.headers.get('x-trace-id') };
}
