import { createHash } from 'node:crypto';

/**
 * kustomize's content hash of a generated ConfigMap (sigs.k8s.io/kustomize/api/hasher): SHA-256 of the
 * JSON of its kind and data (kustomize v5 hashes an empty name), first 10 hex digits, vowel-like digits
 * swapped for consonants.
 */
export function configMapHash(data: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  // Go's encoding/json: sorted keys, and <, >, & escaped.
  const encoded = JSON.stringify({ data: sorted, kind: 'ConfigMap', name: '' })
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026');
  const hex = createHash('sha256').update(encoded).digest('hex').slice(0, 10);
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex].map((c) => swap[c] ?? c).join('');
}
