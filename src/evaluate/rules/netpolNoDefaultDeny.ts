import { type ClusterRule, failed, passed } from '../rule.js';

/** One check per namespace, but for excluded and platform namespaces (see namespaceSkips.ts). */
export const netpolNoDefaultDeny: ClusterRule = {
  id: 'NETPOL-NO-DEFAULT-DENY',
  title: 'Namespace without a default-deny ingress NetworkPolicy',
  scope: 'cluster',
  area: 'network',
  defaultSeverity: 'medium',
  sections: ['namespaces', 'networkPolicies'],
  tenantHygiene: true,
  rationale:
    'Pods accept traffic from everywhere unless a NetworkPolicy selects them; a default-deny policy makes every allowed flow explicit. Cluster-wide CNI policies (e.g. Calico GlobalNetworkPolicy) are not visible to this check.',
  remediation:
    'Add a NetworkPolicy with an empty podSelector and policyTypes [Ingress] (no ingress rules), then allow the needed flows explicitly.',
  controls: {
    cis: 'CIS Kubernetes Benchmark 5.3.2 (all Namespaces have Network Policies defined)',
    nsa: 'Network separation and hardening: Network policies',
    soc2: ['CC6.1', 'CC6.6'],
  },
  evaluate({ snapshot, isExcludedNamespace }) {
    const posture = new Map(snapshot.policies.networkPolicies.map((entry) => [entry.namespace, entry]));
    return snapshot.namespaces
      .filter((namespace) => !isExcludedNamespace(namespace.name))
      .map((namespace) => {
        const subject = `Namespace/${namespace.name}`;
        const entry = posture.get(namespace.name);
        if (entry?.defaultDenyIngress) return passed(subject);
        const policyCount = entry?.policyCount ?? 0;
        return failed(subject, {
          resource: subject,
          message:
            policyCount === 0
              ? `namespace ${namespace.name} has no NetworkPolicy: all ingress is allowed`
              : `namespace ${namespace.name} has ${policyCount} NetworkPolicies but no default-deny for ingress`,
          evidence: {
            namespace: namespace.name,
            policyCount,
            defaultDenyIngress: false,
            allowAllIngress: entry?.allowAllIngress ?? false,
          },
        });
      });
  },
};
