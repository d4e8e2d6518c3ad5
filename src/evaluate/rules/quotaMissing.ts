import { type ClusterRule, failed, passed } from '../rule.js';

/** One check per namespace, but for excluded and platform namespaces (see namespaceSkips.ts). */
export const quotaMissing: ClusterRule = {
  id: 'QUOTA-MISSING',
  title: 'Namespace without a ResourceQuota',
  scope: 'cluster',
  area: 'quotas',
  defaultSeverity: 'medium',
  sections: ['namespaces', 'resourceQuotas'],
  tenantHygiene: true,
  rationale:
    'Without a ResourceQuota one namespace can consume the capacity of the whole cluster (CPU, memory, object counts), starving every other tenant.',
  remediation: 'Create a ResourceQuota in the namespace (requests.cpu, requests.memory, limits.*, pods, count/*).',
  controls: { cis: null, nsa: 'Network separation and hardening: Resource policies', soc2: ['A1.1', 'CC6.1'] },
  evaluate({ snapshot, isExcludedNamespace }) {
    const withQuota = new Set(snapshot.quotas.resourceQuotas.map((quota) => quota.namespace));
    return snapshot.namespaces
      .filter((namespace) => !isExcludedNamespace(namespace.name))
      .map((namespace) => {
        const subject = `Namespace/${namespace.name}`;
        if (withQuota.has(namespace.name)) return passed(subject);
        return failed(subject, {
          resource: subject,
          message: `namespace ${namespace.name} has no ResourceQuota`,
          evidence: { namespace: namespace.name, resourceQuotas: 0 },
        });
      });
  },
};
