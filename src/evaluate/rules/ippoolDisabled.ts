import { type ClusterRule, failed, passed } from '../rule.js';

/** One check per Calico IPPool. */
export const ippoolDisabled: ClusterRule = {
  id: 'IPPOOL-DISABLED',
  title: 'Calico IPPool disabled',
  scope: 'cluster',
  area: 'network',
  defaultSeverity: 'low',
  sections: ['ipPools'],
  rationale:
    'A disabled pool hands out no new addresses but its range stays reserved and routed; often a migration left half done.',
  remediation: 'Finish the migration and delete the pool, or enable it again if it is still meant to be used.',
  controls: { cis: null, nsa: null, soc2: ['CC8.1'] },
  evaluate({ snapshot }) {
    return snapshot.network.ipPools.map((pool) => {
      const subject = `IPPool/${pool.name}`;
      if (!pool.disabled) return passed(subject);
      return failed(subject, {
        resource: subject,
        message: `IPPool ${pool.name} (${pool.cidr}) is disabled`,
        evidence: { cidr: pool.cidr, disabled: true, apiGroup: pool.apiGroup },
      });
    });
  },
};
