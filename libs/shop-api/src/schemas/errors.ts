import { ERROR_CODES } from '@shop/errors';
import { Type, type Static } from 'typebox';

/**
 * Codes a client may see in `code`: the shared error codes, plus the two that only HTTP has (they
 * concern the request's encoding, which no service behind the gateway ever sees).
 */
export const PUBLIC_ERROR_CODES = [...ERROR_CODES, 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] as const;
export type PublicErrorCode = (typeof PUBLIC_ERROR_CODES)[number];

/** RFC 9457's media type: every error answer has it. */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export const ErrorDetailSchema = Type.Object({
  field: Type.Optional(
    Type.String({ description: 'The input the detail is about: a JSON path such as `items[0].quantity`.' }),
  ),
  message: Type.String(),
});

/** RFC 9457 problem details, with the shop's two extension members (`code`, `traceId`) and `errors`. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({
      description:
        'URI naming the kind of problem: one per `code` (`tag:shop.local,2026:problems/invalid-argument`).',
    }),
    title: Type.String({ description: 'Short summary of the kind of problem; the same for every `code`.' }),
    status: Type.Integer({ description: 'The HTTP status code, repeated.' }),
    detail: Type.String({ description: 'What went wrong with this request, for a person.' }),
    code: Type.Enum(PUBLIC_ERROR_CODES, { description: 'Stable, machine-readable error code.' }),
    errors: Type.Optional(
      Type.Array(ErrorDetailSchema, {
        description: 'One entry per problem found in the input, each naming its `field` when there is one.',
      }),
    ),
    traceId: Type.Optional(Type.String({ description: 'Trace of the request, to quote when reporting it.' })),
  },
  { description: 'An error (RFC 9457 problem details).' },
);
export type Problem = Static<typeof ProblemSchema>;

const DESCRIPTIONS = {
  400: 'The request is not valid; `errors` name the fields (`INVALID_ARGUMENT`).',
  401: 'No bearer token, or one that is malformed, expired or not ours (`UNAUTHENTICATED`).',
  404: 'No such resource (`NOT_FOUND`).',
  409: 'The request conflicts with the current state (`ALREADY_EXISTS`, `FAILED_PRECONDITION`, `PRICE_CHANGED`).',
  413: 'The body is larger than the API accepts (`PAYLOAD_TOO_LARGE`).',
  415: 'The body is not `application/json` (`UNSUPPORTED_MEDIA_TYPE`).',
  422: 'The `Idempotency-Key` was already used with another request body (`IDEMPOTENCY_KEY_REUSED`).',
  429: 'Too many requests from this client; `Retry-After` says when to try again (`RESOURCE_EXHAUSTED`).',
  500: 'An unexpected error; the detail is generic and the cause is in the log (`INTERNAL`).',
  503: 'A service the request needs is unavailable; `Retry-After` says when to try again (`UNAVAILABLE`).',
  504: 'A service the request needs did not answer in time (`DEADLINE_EXCEEDED`).',
} as const;

type DocumentedStatus = keyof typeof DESCRIPTIONS;

const RETRY_AFTER = {
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    schema: { type: 'integer' },
  },
} as const;

/** One documented error answer: problem+json, and the Retry-After header where it is sent. */
const problemResponse = (status: DocumentedStatus) => ({
  description: DESCRIPTIONS[status],
  ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
  content: { [PROBLEM_MEDIA_TYPE]: { schema: ProblemSchema } },
});

/**
 * Error responses for a route's schema, each described for the OpenAPI document. Every route can fail
 * with 500, 503 and 504, so those are always included.
 */
export function errorResponses<S extends DocumentedStatus>(...statuses: S[]) {
  const all = [...new Set<DocumentedStatus>([...statuses, 500, 503, 504])];
  return Object.fromEntries(all.map((status) => [status, problemResponse(status)])) as Record<
    S | 500 | 503 | 504,
    ReturnType<typeof problemResponse>
  >;
}

/** The statuses of a route with a JSON body: bad input, too large, wrong media type. */
export const BODY_ERRORS = [400, 413, 415] as const;
