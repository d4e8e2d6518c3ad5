import { type FleetRule, failed, passed } from '../rule.js';

/**
 * One check per configured cluster (fleet file) and per missing cluster the ledger expected (see
 * expectedClusters.ts), counted in that cluster's score. An unreachable cluster's check is not
 * evaluated (evaluateFleet sees to it): a snapshot that says nothing is no evidence.
 */
export const snapshotMissing: FleetRule = {
  id: 'SNAPSHOT-MISSING',
  title: 'Expected cluster without a readable snapshot in the period',
  scope: 'fleet',
  area: null,
  defaultSeverity: 'high',
  sections: [],
  rationale:
    'A cluster of the fleet with no readable snapshot in the period was not audited at all: the scheduled collection did not run, did not store its result, or the stored snapshot is damaged.',
  remediation:
    'Check the scheduled snapshot (Lambda logs, schedule) and the ledger (fleetledger verify), then run fleetledger snapshot for the cluster.',
  controls: { cis: null, nsa: 'Audit logging and threat detection', soc2: ['CC4.1'] },
  evaluate({ clusters, missingClusters, missingReason, unreadableSnapshots }) {
    return clusters
      .filter((cluster) => cluster.configured || missingClusters.includes(cluster.name))
      .map((cluster) => {
        const subject = `Cluster/${cluster.name}`;
        if (!missingClusters.includes(cluster.name)) return { ...passed(subject), cluster: cluster.name };
        const unreadable = unreadableSnapshots(cluster.name);
        return {
          ...failed(subject, {
            cluster: cluster.name,
            resource: subject,
            message: `${cluster.name} ${cluster.configured ? 'is in the fleet but ' : ''}has ${missingReason(cluster.name)}`,
            evidence: {
              cluster: cluster.name,
              ...(unreadable.length > 0 ? { unreadableSnapshots: [...unreadable] } : {}),
            },
          }),
          cluster: cluster.name,
        };
      });
  },
};
