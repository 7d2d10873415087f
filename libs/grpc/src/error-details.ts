import { Metadata } from '@grpc/grpc-js';
import type { ErrorDetail } from '@shop/errors';

/**
 * An AppError's details (which field was wrong and why) travel in this trailer as UTF-8 JSON:
 * `[{ "field": "items[0].quantity", "message": "must be at least 1" }]`. The status message alone
 * cannot carry them, and the standard `grpc-status-details-bin` would need google.rpc.Status protobufs
 * on both sides for what is a list of two strings. The `-bin` suffix lets any bytes through.
 */
export const ERROR_DETAILS_KEY = 'error-details-bin';

export function detailsToMetadata(details: readonly ErrorDetail[]): Metadata {
  const metadata = new Metadata();
  if (details.length > 0) metadata.set(ERROR_DETAILS_KEY, Buffer.from(JSON.stringify(details), 'utf8'));
  return metadata;
}

/** Reads the details back; a trailer that is missing or not what this module writes reads as none. */
export function detailsFromMetadata(metadata: Metadata | undefined): ErrorDetail[] {
  const [value] = metadata?.get(ERROR_DETAILS_KEY) ?? [];
  if (!Buffer.isBuffer(value)) return [];
  try {
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    return Array.isArray(parsed) ? parsed.filter(isErrorDetail) : [];
  } catch {
    return [];
  }
}

function isErrorDetail(value: unknown): value is ErrorDetail {
  if (typeof value !== 'object' || value === null) return false;
  const { field, message } = value as Record<string, unknown>;
  return typeof message === 'string' && (field === undefined || typeof field === 'string');
}
