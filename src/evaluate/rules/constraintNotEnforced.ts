import { type ClusterRule, failed, passed } from '../rule.js';

const NOT_ENFORCING = ['dryrun', 'warn'];

/** One check per Gatekeeper constraint. */
export const constraintNotEnforced: ClusterRule = {
  id: 'CONSTRAINT-NOT-ENFORCED',
  title: 'Gatekeeper constraint in dryrun or warn',
  scope: 'cluster',
  area: 'policies',
  defaultSeverity: 'medium',
  sections: ['gatekeeper'],
  rationale: 'A constraint in dryrun or warn only reports: violating resources are still admitted.',
  remediation:
    'Fix the existing violations, then set spec.enforcementAction to deny (or remove it: deny is the default).',
  controls: { cis: null, nsa: 'Kubernetes Pod security: Pod security enforcement', soc2: ['CC6.1', 'CC6.8'] },
  evaluate({ snapshot }) {
    return snapshot.policies.gatekeeper.constraints.map((constraint) => {
      const subject = `${constraint.kind}/${constraint.name}`;
      if (!NOT_ENFORCING.includes(constraint.enforcementAction.toLowerCase())) return passed(subject);
      return failed(subject, {
        resource: subject,
        message: `constraint ${subject} is in ${constraint.enforcementAction} mode: violations are not denied`,
        evidence: { kind: constraint.kind, name: constraint.name, enforcementAction: constraint.enforcementAction },
      });
    });
  },
};
