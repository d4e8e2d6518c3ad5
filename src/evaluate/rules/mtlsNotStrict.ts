import { type ClusterRule, failed, passed } from '../rule.js';

/** One check per namespace of the mTLS table (but for excluded and platform namespaces), only where Istio is installed. */
export const mtlsNotStrict: ClusterRule = {
  id: 'MTLS-NOT-STRICT',
  title: 'Istio mTLS not STRICT in a namespace',
  scope: 'cluster',
  area: 'network',
  defaultSeverity: 'medium',
  sections: ['istio'],
  tenantHygiene: true,
  rationale:
    'In PERMISSIVE (the default) or DISABLE mode, workloads accept plain-text traffic: identities are not verified and traffic is not encrypted.',
  remediation:
    'Apply a PeerAuthentication with mtls.mode STRICT in istio-system (mesh-wide) or in the namespace, once every client has a sidecar.',
  controls: { cis: null, nsa: 'Network separation and hardening: Encryption', soc2: ['CC6.7'] },
  evaluate({ snapshot, isExcludedNamespace }) {
    if (!snapshot.policies.istio.installed) return [];
    return snapshot.policies.istio.mtls
      .filter((entry) => !isExcludedNamespace(entry.namespace))
      .map((entry) => {
        const subject = `Namespace/${entry.namespace}`;
        if (entry.mode === 'STRICT') return passed(subject);
        return failed(subject, {
          resource: subject,
          message: `namespace ${entry.namespace} accepts plain-text traffic: effective mTLS mode ${entry.mode} (from the ${entry.source} policy)`,
          evidence: { namespace: entry.namespace, mode: entry.mode, source: entry.source },
        });
      });
  },
};
