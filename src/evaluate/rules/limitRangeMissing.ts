import { type ClusterRule, failed, passed } from '../rule.js';

/** One check per namespace, but for excluded and platform namespaces (see namespaceSkips.ts). */
export const limitRangeMissing: ClusterRule = {
  id: 'LIMITRANGE-MISSING',
  title: 'Namespace without container defaults (LimitRange)',
  scope: 'cluster',
  area: 'quotas',
  defaultSeverity: 'low',
  sections: ['namespaces', 'limitRanges'],
  tenantHygiene: true,
  rationale:
    'A LimitRange of type Container with default limits gives every container limits it did not declare; without it, containers run unbounded and a quota on limits rejects them.',
  remediation: 'Create a LimitRange with a limit of type Container that sets default (and defaultRequest).',
  controls: { cis: null, nsa: 'Network separation and hardening: Resource policies', soc2: ['A1.1'] },
  evaluate({ snapshot, isExcludedNamespace }) {
    const withDefaults = new Set(
      snapshot.quotas.limitRanges
        .filter((range) =>
          range.limits.some((item) => item.type === 'Container' && Object.keys(item.default).length > 0),
        )
        .map((range) => range.namespace),
    );
    const anyLimitRange = new Map<string, string[]>();
    for (const range of snapshot.quotas.limitRanges) {
      anyLimitRange.set(range.namespace, [...(anyLimitRange.get(range.namespace) ?? []), range.name]);
    }
    return snapshot.namespaces
      .filter((namespace) => !isExcludedNamespace(namespace.name))
      .map((namespace) => {
        const subject = `Namespace/${namespace.name}`;
        if (withDefaults.has(namespace.name)) return passed(subject);
        const existing = anyLimitRange.get(namespace.name) ?? [];
        return failed(subject, {
          resource: subject,
          message:
            existing.length === 0
              ? `namespace ${namespace.name} has no LimitRange`
              : `namespace ${namespace.name} has LimitRanges (${existing.join(', ')}) but none sets container defaults`,
          evidence: { namespace: namespace.name, limitRanges: existing },
        });
      });
  },
};
