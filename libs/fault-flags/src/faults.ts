/** The faults, by flag key in deploy/flags/faults.flagd.json. Every default below means "off". */
export const FAULTS = {
  'card-decline-share': 0,
  'card-latency-ms': 0,
  'card-network-down': false,
  'smtp-failure-share': 0,
  'users-getuser-unavailable-share': 0,
  'orders-slow-query-ms': 0,
  'email-consumer-delay-ms': 0,
  'email-poison-share': 0,
} satisfies Record<string, number | boolean>;

export type FaultName = keyof typeof FAULTS;
