import { z } from '@shop/config';

const milliseconds = (description: string, fallback: number) =>
  z.coerce.number().int().min(0).default(fallback).describe(description);

/** The simulated card network's timing, the same in every app that runs the module. */
export const cardNetworkEnv = {
  CARD_NETWORK_LATENCY_MS: milliseconds('Mean response time of the simulated card network.', 50),
  CARD_NETWORK_JITTER_MS: milliseconds(
    'The simulated card network answers within latency ± this much, uniformly spread.',
    20,
  ),
};
