import { type ClusterRule, failed, passed } from '../rule.js';

/** One check per cluster; an absent Gatekeeper or Kyverno API is what this rule looks for. */
export const gatekeeperAbsent: ClusterRule = {
  id: 'GATEKEEPER-ABSENT',
  title: 'No policy engine (neither Gatekeeper nor Kyverno)',
  scope: 'cluster',
  area: 'policies',
  defaultSeverity: 'high',
  sections: ['gatekeeper', 'kyverno'],
  gate: 'all-or-absent',
  // Whether an engine is installed is known even when some of its lists could not be read.
  partial: 'enough',
  rationale:
    'Without an admission policy engine nothing stops privileged Pods, host paths or unapproved images from being admitted.',
  remediation: 'Install OPA Gatekeeper (or Kyverno) and enforce the baseline policies of the organisation.',
  controls: {
    cis: 'CIS Kubernetes Benchmark 5.2.1 (at least one active policy control mechanism)',
    nsa: 'Kubernetes Pod security: Pod security enforcement',
    soc2: ['CC6.1', 'CC6.8'],
  },
  evaluate({ snapshot }) {
    const subject = `Cluster/${snapshot.meta.cluster}`;
    const { gatekeeper, kyverno } = snapshot.policies;
    if (gatekeeper.installed || kyverno.installed) return [passed(subject)];
    return [
      failed(subject, {
        resource: subject,
        message: `${snapshot.meta.cluster} runs no admission policy engine (neither Gatekeeper nor Kyverno is installed)`,
        evidence: { gatekeeperInstalled: false, kyvernoInstalled: false },
      }),
    ];
  },
};
