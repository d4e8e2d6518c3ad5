/**
 * Which namespaces the tenant-hygiene rules skip, and why: one decision, shared by the evaluation
 * (the checks it does not make) and the report (the namespaces it lists as skipped).
 *
 * In this order: a namespace `excludeNamespaces` names is skipped (the fleet's explicit word);
 * else one `checkPlatformNamespaces` names is checked; else one the platform namespace list
 * names (see platformNamespaces.ts) is skipped; every other namespace is checked.
 */
import picomatch from 'picomatch';
import type { Snapshot } from '../snapshot/schema.js';
import { type PlatformNamespaceSource, platformEntryOf, platformNamespacesOf } from './platformNamespaces.js';
import { DEFAULT_THRESHOLDS, type RuleThresholds } from './thresholds.js';

export interface NamespaceSkip {
  namespace: string;
  /** excluded: an `excludeNamespaces` glob; platform: an entry of the platform namespace list. */
  reason: 'excluded' | 'platform';
  /** The glob or list entry that matched. */
  pattern: string;
  /** The add-on a platform entry belongs to (null for excluded namespaces and the fleet file's own entries). */
  addOn: string | null;
  source: 'rules.excludeNamespaces' | PlatformNamespaceSource;
}

/** The `rules:` keys the decision reads; missing ones take their defaults. */
export type NamespaceSkipSettings = Partial<
  Pick<
    RuleThresholds,
    'excludeNamespaces' | 'platformNamespaces' | 'extraPlatformNamespaces' | 'checkPlatformNamespaces'
  >
>;

/**
 * Why the tenant-hygiene rules skip a namespace, or null when they check it.
 *
 * @example
 * const skipOf = namespaceSkipper(thresholds);
 * skipOf('istio-system'); // { reason: 'platform', pattern: 'istio-system', addOn: 'Istio', ... }
 * skipOf('payments'); // null
 */
export function namespaceSkipper(settings: NamespaceSkipSettings): (namespace: string) => NamespaceSkip | null {
  const excludes = (settings.excludeNamespaces ?? DEFAULT_THRESHOLDS.excludeNamespaces).map((pattern) => ({
    pattern,
    matches: picomatch(pattern, { dot: true }),
  }));
  const checkAnyway = picomatch([...(settings.checkPlatformNamespaces ?? [])], { dot: true });
  const platformEntry = platformEntryOf(platformNamespacesOf(settings));
  return (namespace) => {
    const exclude = excludes.find(({ matches }) => matches(namespace));
    if (exclude) {
      return {
        namespace,
        reason: 'excluded',
        pattern: exclude.pattern,
        addOn: null,
        source: 'rules.excludeNamespaces',
      };
    }
    if (checkAnyway(namespace)) return null;
    const entry = platformEntry(namespace);
    return entry
      ? { namespace, reason: 'platform', pattern: entry.pattern, addOn: entry.addOn, source: entry.source }
      : null;
  };
}

/** The namespaces a snapshot shows (its Namespace list and its Istio mTLS table) that the tenant-hygiene rules skip, by name. */
export function skippedNamespacesOf(snapshot: Snapshot, settings: NamespaceSkipSettings): NamespaceSkip[] {
  const skipOf = namespaceSkipper(settings);
  const names = new Set([
    ...snapshot.namespaces.map((namespace) => namespace.name),
    ...snapshot.policies.istio.mtls.map((entry) => entry.namespace),
  ]);
  return [...names]
    .sort()
    .map(skipOf)
    .filter((skip): skip is NamespaceSkip => skip !== null);
}
