import { ERROR_CODES } from '@shop/errors';
import { Type, type Static } from 'typebox';

/**
 * Codes a client may see in `error.code`: the shared error codes, plus the two that only HTTP has
 * (they concern the request's encoding, which no service behind the gateway ever sees).
 */
export const PUBLIC_ERROR_CODES = [...ERROR_CODES, 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] as const;
export type PublicErrorCode = (typeof PUBLIC_ERROR_CODES)[number];

export const ErrorDetailSchema = Type.Object({
  field: Type.Optional(
    Type.String({ description: 'The input the detail is about: a JSON path such as `items[0].quantity`.' }),
  ),
  message: Type.String(),
});

const errorBody = (description: string) =>
  Type.Object(
    {
      error: Type.Object({
        code: Type.Enum(PUBLIC_ERROR_CODES, { description: 'Stable, machine-readable error code.' }),
        message: Type.String({ description: 'What went wrong, for a person.' }),
        details: Type.Optional(Type.Array(ErrorDetailSchema)),
      }),
      traceId: Type.Optional(
        Type.String({ description: 'Trace of the request, to quote when reporting it.' }),
      ),
    },
    { description },
  );

/** The one shape of every error answer. */
export const ErrorResponseSchema = errorBody('An error.');
export type ErrorResponse = Static<typeof ErrorResponseSchema>;

const DESCRIPTIONS = {
  400: 'The request is not valid; `details` name the fields (`INVALID_ARGUMENT`).',
  401: 'No bearer token, or one that is malformed, expired or not ours (`UNAUTHENTICATED`).',
  404: 'No such resource (`NOT_FOUND`).',
  409: 'The request conflicts with the current state (`ALREADY_EXISTS`, `FAILED_PRECONDITION`, `PRICE_CHANGED`).',
  413: 'The body is larger than the gateway accepts (`PAYLOAD_TOO_LARGE`).',
  415: 'The body is not `application/json` (`UNSUPPORTED_MEDIA_TYPE`).',
  500: 'An unexpected error; the message is generic and the details are in the log (`INTERNAL`).',
  503: 'A service the request needs is unavailable; retrying later may succeed (`UNAVAILABLE`).',
  504: 'A service the request needs did not answer in time (`DEADLINE_EXCEEDED`).',
} as const;

type DocumentedStatus = keyof typeof DESCRIPTIONS;

/**
 * Error responses for a route's schema, each described for the OpenAPI document. Every route can fail
 * with 500, 503 and 504, so those are always included.
 */
export function errorResponses<S extends DocumentedStatus>(...statuses: S[]) {
  const all = [...new Set<DocumentedStatus>([...statuses, 500, 503, 504])];
  return Object.fromEntries(all.map((status) => [status, errorBody(DESCRIPTIONS[status])])) as Record<
    S | 500 | 503 | 504,
    typeof ErrorResponseSchema
  >;
}

/** The statuses of a route with a JSON body: bad input, too large, wrong media type. */
export const BODY_ERRORS = [400, 413, 415] as const;
