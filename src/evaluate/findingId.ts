import { hash } from 'node:crypto';

/**
 * The stable id of a finding: the first 16 hex digits of SHA-256 of `rule|clusters|resource`,
 * clusters sorted and comma-joined. Nothing that changes week to week (message, evidence,
 * severity) goes in, so the same problem keeps its id and trends can follow it.
 */
export function findingId(rule: string, clusters: readonly string[], resource: string): string {
  const sorted = [...clusters].sort();
  // One-shot hash(): a cluster with 50,000 namespaces has 150,000 findings.
  return hash('sha256', `${rule}|${sorted.join(',')}|${resource}`, 'hex').slice(0, 16);
}
