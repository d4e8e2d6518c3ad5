import { type ClusterRule, failed, notEvaluated, passed } from '../rule.js';

const percent = (ratio: number): string => `${Math.round(ratio * 100)}%`;

/**
 * One check per ResourceQuota. A resource is near its limit when used / hard is at or above
 * `quotaNearLimit`; resources with hard 0 are skipped (they forbid, they do not run out). A quota
 * whose usage was never reconciled (used unknown everywhere) is not evaluated.
 */
export const quotaNearLimit: ClusterRule = {
  id: 'QUOTA-NEAR-LIMIT',
  title: 'ResourceQuota close to its hard limit',
  scope: 'cluster',
  area: 'quotas',
  defaultSeverity: 'medium',
  sections: ['resourceQuotas'],
  rationale:
    'When a quota is exhausted new Pods and objects are rejected: deployments and autoscaling fail in that namespace.',
  remediation: 'Raise the quota after a capacity review, or reduce the usage (scale down, delete unused objects).',
  controls: { cis: null, nsa: 'Network separation and hardening: Resource policies', soc2: ['A1.1'] },
  evaluate({ snapshot, thresholds }) {
    return snapshot.quotas.resourceQuotas.map((quota) => {
      const subject = `ResourceQuota/${quota.namespace}/${quota.name}`;
      const measured = quota.resources.filter(
        (resource) => resource.hardValue !== null && resource.hardValue > 0 && resource.usedValue !== null,
      );
      if (measured.length === 0) {
        return notEvaluated(subject, 'the quota has no measured usage (not reconciled yet)');
      }
      const near = measured
        .map((resource) => ({ ...resource, ratio: (resource.usedValue ?? 0) / (resource.hardValue ?? 1) }))
        .filter((resource) => resource.ratio >= thresholds.quotaNearLimit);
      if (near.length === 0) return passed(subject);
      const parts = near.map((r) => `${r.resource} at ${percent(r.ratio)} (${r.used} of ${r.hard})`);
      return failed(subject, {
        resource: subject,
        message: `ResourceQuota ${quota.namespace}/${quota.name} is near its limit: ${parts.join(', ')}`,
        evidence: {
          threshold: thresholds.quotaNearLimit,
          resources: near.map((r) => ({ resource: r.resource, used: r.used, hard: r.hard, ratio: r.ratio })),
        },
      });
    });
  },
};
