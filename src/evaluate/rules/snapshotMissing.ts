import { type FleetRule, failed, passed } from '../rule.js';

/** One check per configured cluster (fleet file), counted in that cluster's score. */
export const snapshotMissing: FleetRule = {
  id: 'SNAPSHOT-MISSING',
  title: 'Configured cluster without a snapshot in the period',
  scope: 'fleet',
  area: null,
  defaultSeverity: 'high',
  sections: [],
  rationale:
    'A cluster of the fleet with no snapshot in the period was not audited at all: the scheduled collection did not run or did not store its result.',
  remediation:
    'Check the scheduled snapshot (Lambda logs, schedule) and the ledger, then run fleetledger snapshot for the cluster.',
  controls: { cis: null, nsa: 'Audit logging and threat detection', soc2: ['CC4.1'] },
  evaluate({ clusters, missingClusters }) {
    return clusters
      .filter((cluster) => cluster.configured)
      .map((cluster) => {
        const subject = `Cluster/${cluster.name}`;
        if (!missingClusters.includes(cluster.name)) return { ...passed(subject), cluster: cluster.name };
        return {
          ...failed(subject, {
            cluster: cluster.name,
            resource: subject,
            message: `${cluster.name} is in the fleet but has no snapshot in the period`,
            evidence: { cluster: cluster.name },
          }),
          cluster: cluster.name,
        };
      });
  },
};
