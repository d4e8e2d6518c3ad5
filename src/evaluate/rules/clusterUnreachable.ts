import { type ClusterRule, failed, passed } from '../rule.js';

export const clusterUnreachable: ClusterRule = {
  id: 'CLUSTER-UNREACHABLE',
  title: 'Cluster could not be read',
  scope: 'cluster',
  area: null,
  defaultSeverity: 'high',
  sections: [],
  gate: 'rule',
  rationale:
    'A cluster whose API server cannot be reached during collection is not audited at all: none of its controls can be shown to work for the period.',
  remediation:
    'Check the endpoint, the network path and the credentials of the collector (EKS access entry or read-only ServiceAccount token), then run the snapshot again.',
  controls: { cis: null, nsa: 'Audit logging and threat detection', soc2: ['CC4.1', 'CC7.2'] },
  evaluate({ snapshot }) {
    const subject = `Cluster/${snapshot.meta.cluster}`;
    if (snapshot.meta.status !== 'unreachable') return [passed(subject)];
    const reason = snapshot.meta.unreachableReason ?? 'no reason recorded';
    return [
      failed(subject, {
        resource: subject,
        message: `${snapshot.meta.cluster} could not be read: ${reason}`,
        evidence: {
          endpoint: snapshot.meta.endpoint,
          unreachableReason: reason,
          collectionStart: snapshot.meta.collectionStart,
        },
      }),
    ];
  },
};
