import { type ClusterRule, failed, passed } from '../rule.js';

/** One check per KubeFedCluster. */
export const kubefedClusterNotReady: ClusterRule = {
  id: 'KUBEFED-CLUSTER-NOT-READY',
  title: 'KubeFed member cluster not ready',
  scope: 'cluster',
  area: 'gitops',
  defaultSeverity: 'high',
  sections: ['kubefed'],
  rationale:
    'Federated resources are not propagated to a member cluster that is not Ready or Offline: it drifts from the others.',
  remediation:
    'Check the member cluster endpoint and the credentials in its KubeFedCluster secret, then its conditions.',
  controls: { cis: null, nsa: null, soc2: ['CC7.2', 'A1.1'] },
  evaluate({ snapshot }) {
    return snapshot.federation.kubefedClusters.map((member) => {
      const subject = `KubeFedCluster/${member.namespace}/${member.name}`;
      if (member.ready === 'True' && !member.offline) return passed(subject);
      const state = member.offline ? 'Offline' : `Ready=${member.ready}`;
      return failed(subject, {
        resource: subject,
        message: `KubeFed member ${member.name} is not ready (${state}${member.message ? `: ${member.message}` : ''})`,
        evidence: {
          ready: member.ready,
          offline: member.offline,
          apiEndpoint: member.apiEndpoint,
          message: member.message,
        },
      });
    });
  },
};
