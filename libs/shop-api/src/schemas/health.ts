import { Type, type Static } from 'typebox';

export const LivenessSchema = Type.Object(
  { status: Type.Literal('ok') },
  { description: 'The process is running.' },
);

export const DOWNSTREAM_STATES = [
  'SERVING',
  'NOT_SERVING',
  'UNKNOWN',
  'SERVICE_UNKNOWN',
  'UNREACHABLE',
  'TIMEOUT',
] as const;

const readiness = (description: string) =>
  Type.Object(
    {
      status: Type.Enum(['ready', 'not_ready']),
      services: Type.Object(
        {
          users: Type.Enum(DOWNSTREAM_STATES),
          orders: Type.Enum(DOWNSTREAM_STATES),
          email: Type.Enum(DOWNSTREAM_STATES),
        },
        {
          description:
            "Each part's state: a status of the gRPC health checking protocol, or UNREACHABLE or TIMEOUT when it did not answer in time.",
        },
      ),
      notReady: Type.Array(Type.String(), {
        description: 'The parts the API needs (users, orders) that are not SERVING.',
      }),
      degraded: Type.Array(Type.String(), {
        description:
          'Parts that only some routes call (email) that are not SERVING; those routes answer 503.',
      }),
    },
    { description },
  );

export const ReadySchema = readiness('Every part of the shop the API needs is serving.');
export const NotReadySchema = readiness(
  'A part of the shop the API needs is not serving; `notReady` names it.',
);
export type Readiness = Static<typeof ReadySchema>;
