import type { Attributes } from '@opentelemetry/api';
import { inSpan } from '@shop/telemetry';

/** The modules of the shop, as spans, logs and the relay's subscribers name them. */
export type ModuleName = 'users' | 'orders' | 'payments' | 'email';

/**
 * Runs a call into a module in a span of its own (`orders placeOrder`), so that a trace of the monolith
 * shows which module did what, as the services' server spans do across processes.
 */
export function inModule<T>(
  module: ModuleName,
  operation: string,
  work: () => Promise<T>,
  attributes: Attributes = {},
): Promise<T> {
  return inSpan(`${module} ${operation}`, { 'app.module': module, ...attributes }, () => work());
}
