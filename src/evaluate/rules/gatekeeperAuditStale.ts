import { DateTime } from 'luxon';
import { type ClusterRule, failed, passed } from '../rule.js';
import { isComplete, notCollectedCheck } from '../sections.js';

/**
 * One check per cluster that has Gatekeeper constraints. The audit runs over all constraints at
 * once, so the newest auditTimestamp is the time of the last audit; its age is measured at the
 * snapshot's collection start (what the cluster showed then), not at evaluation time. Some
 * constraints read are enough to date it; none read of a partly collected section is not.
 */
export const gatekeeperAuditStale: ClusterRule = {
  id: 'GATEKEEPER-AUDIT-STALE',
  title: 'Gatekeeper audit missing or stale',
  scope: 'cluster',
  area: 'policies',
  defaultSeverity: 'medium',
  sections: ['gatekeeper'],
  // The audit runs over every constraint at once: the constraints read date it.
  partial: 'enough',
  rationale:
    'Violation counts come from the periodic audit; when it stops running, the numbers in the report are old and new violations go unseen.',
  remediation: 'Check the gatekeeper-audit Deployment (logs, restarts, --audit-interval) and its RBAC.',
  controls: { cis: null, nsa: 'Audit logging and threat detection', soc2: ['CC7.2'] },
  evaluate({ snapshot, thresholds }) {
    const constraints = snapshot.policies.gatekeeper.constraints;
    const subject = `Cluster/${snapshot.meta.cluster}`;
    if (constraints.length === 0) {
      if (isComplete(snapshot, 'gatekeeper')) return [];
      return [notCollectedCheck(subject, 'no constraint could be read', snapshot, ['gatekeeper'])];
    }
    const collectedAt = DateTime.fromISO(snapshot.meta.collectionStart, { zone: 'utc' });
    const stamps = constraints.flatMap((c) => (c.auditTimestamp ? [c.auditTimestamp] : [])).sort();
    const latest = stamps.at(-1) ?? null;
    const evidence = {
      lastAudit: latest,
      collectionStart: snapshot.meta.collectionStart,
      maxAgeHours: thresholds.gatekeeperAuditMaxAgeHours,
      constraintsWithoutAudit: constraints.filter((c) => !c.auditTimestamp).map((c) => `${c.kind}/${c.name}`),
    };
    if (latest === null) {
      return [
        failed(subject, {
          resource: subject,
          message: `no Gatekeeper constraint on ${snapshot.meta.cluster} has an audit timestamp: the audit has not run`,
          evidence,
        }),
      ];
    }
    const ageHours = collectedAt.diff(DateTime.fromISO(latest, { zone: 'utc' }), 'hours').hours;
    if (ageHours <= thresholds.gatekeeperAuditMaxAgeHours) return [passed(subject)];
    return [
      failed(subject, {
        resource: subject,
        message: `the last Gatekeeper audit on ${snapshot.meta.cluster} ran ${Math.floor(ageHours)} h before collection (${latest}), more than ${thresholds.gatekeeperAuditMaxAgeHours} h`,
        evidence: { ...evidence, ageHours },
      }),
    ];
  },
};
