/**
 * The namespaces left out of namespace-scoped checks, as one list: what the report records and
 * shows (src/report/configuration.ts). The configured `excludeNamespaces` globs (left out of every
 * namespace check), then the platform namespace list the tenant-hygiene rules skip (built-in
 * unless the fleet file replaces it, see platformNamespaces.ts), each with where it came from.
 */
import { type PlatformNamespaceSource, platformNamespacesOf } from './platformNamespaces.js';
import type { RuleThresholds } from './thresholds.js';

export interface ExcludedNamespace {
  pattern: string;
  reason: 'excluded' | 'platform';
  source: 'rules.excludeNamespaces' | PlatformNamespaceSource;
  addOn: string | null;
}

export function excludedNamespacesOf(
  thresholds: Pick<RuleThresholds, 'excludeNamespaces'> &
    Partial<Pick<RuleThresholds, 'platformNamespaces' | 'extraPlatformNamespaces'>>,
): ExcludedNamespace[] {
  return [
    ...[...new Set(thresholds.excludeNamespaces)].map(
      (pattern): ExcludedNamespace => ({
        pattern,
        reason: 'excluded',
        source: 'rules.excludeNamespaces',
        addOn: null,
      }),
    ),
    ...platformNamespacesOf(thresholds).map(
      ({ pattern, source, addOn }): ExcludedNamespace => ({ pattern, reason: 'platform', source, addOn }),
    ),
  ];
}
