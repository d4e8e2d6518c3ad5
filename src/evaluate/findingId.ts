import { createHash } from 'node:crypto';

/**
 * The stable id of a finding: the first 16 hex digits of SHA-256 of `rule|clusters|resource`,
 * clusters sorted and comma-joined. Nothing that changes week to week (message, evidence,
 * severity) goes in, so the same problem keeps its id and trends can follow it.
 */
export function findingId(rule: string, clusters: readonly string[], resource: string): string {
  const sorted = [...clusters].sort();
  return createHash('sha256')
    .update(`${rule}|${sorted.join(',')}|${resource}`)
    .digest('hex')
    .slice(0, 16);
}
