/**
 * The API's rate limits: sign-up and sign-in per client address (they are open to anyone, and sign-in
 * is where passwords are guessed), order placement per signed-in user. Past a limit: 429 with
 * Retry-After, in the one error shape. Counters live in this replica's memory: with N replicas behind
 * a balancer a client gets up to N times the limit (docs in the gateway's README).
 */
import rateLimit, { type RateLimitOptions } from '@fastify/rate-limit';
import { AppError } from '@shop/errors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ShopApiSettings } from '../settings';
import { callerOf } from './auth';

export interface RateLimits {
  /** Sign-ups (POST /v1/users) per client address per window. */
  signUps: number;
  /** Token requests (POST /v1/auth/token) per client address per window. */
  tokens: number;
  /** Orders placed (POST /v1/orders) per signed-in user per window. */
  orders: number;
  windowMs: number;
}

export const rateLimitsOf = (config: ShopApiSettings): RateLimits => ({
  signUps: config.RATE_LIMIT_SIGNUPS,
  tokens: config.RATE_LIMIT_TOKENS,
  orders: config.RATE_LIMIT_ORDERS,
  windowMs: config.RATE_LIMIT_WINDOW_MS,
});

/**
 * Registers the limiter in `app`'s scope; routes opt in with one of the route options below. Only the
 * routes that opt in are counted (`global: false`).
 */
export async function registerRateLimits(app: FastifyInstance): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError('RESOURCE_EXHAUSTED', `Too many requests; try again in ${context.after}`),
  });
}

/**
 * The route options of a route limited per client address: the limiter's default key, `request.ip`
 * (an IPv6 address counts by its /64 prefix, within which one client can hop at will).
 */
export const perAddress = (max: number, windowMs: number): { rateLimit: RateLimitOptions } => ({
  rateLimit: { max, timeWindow: windowMs },
});

/**
 * The route options of a route limited per signed-in user. The limiter's hook runs after the route's
 * `authenticate` (it is added after the route's own hooks), so the caller is known by then.
 */
export const perUser = (max: number, windowMs: number): { rateLimit: RateLimitOptions } => ({
  rateLimit: {
    max,
    timeWindow: windowMs,
    keyGenerator: (request: FastifyRequest) => `user:${callerOf(request).userId}`,
  },
});
