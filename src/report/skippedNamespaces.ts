/**
 * The report's record of the namespaces the tenant-hygiene rules skipped on one cluster, and which
 * of those rules ran: what the quiet defaults leave out is listed, never hidden.
 */
import { ruleCatalog } from '../evaluate/catalog.js';
import { type NamespaceSkipSettings, skippedNamespacesOf } from '../evaluate/namespaceSkips.js';
import type { RuleThresholds } from '../evaluate/thresholds.js';
import type { Snapshot } from '../snapshot/schema.js';
import type { SkippedNamespaces } from './schema.js';

/** The snapshot is undefined (missing) or unreadable (unreachable): nothing was seen, nothing is listed. */
export function skippedNamespacesReport(
  snapshot: Snapshot | undefined,
  settings: NamespaceSkipSettings & Partial<Pick<RuleThresholds, 'disabled'>>,
): SkippedNamespaces {
  const disabled = settings.disabled ?? [];
  return {
    rules: ruleCatalog()
      .filter((rule) => rule.tenantHygiene === true && !disabled.includes(rule.id))
      .map((rule) => rule.id),
    namespaces:
      snapshot && snapshot.meta.status !== 'unreachable'
        ? skippedNamespacesOf(snapshot, settings).map((skip) => ({ ...skip }))
        : [],
  };
}
