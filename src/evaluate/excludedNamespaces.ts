/**
 * The namespaces left out of namespace-scoped checks, as one list of globs: what the report
 * records and shows (src/report/configuration.ts). One place, so that a built-in list (e.g. of
 * platform namespaces) added to the configured globs is recorded wherever it applies.
 */
import type { RuleThresholds } from './thresholds.js';

/** The configured globs (`rules.excludeNamespaces`, or the fleet file's defaults), in order, without repeats. */
export function excludedNamespacesOf(thresholds: Pick<RuleThresholds, 'excludeNamespaces'>): string[] {
  return [...new Set(thresholds.excludeNamespaces)];
}
