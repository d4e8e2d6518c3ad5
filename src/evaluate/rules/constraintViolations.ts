import { type ClusterRule, failed, notEvaluated, passed } from '../rule.js';

/** How many audit sample entries a finding keeps as evidence. */
const SAMPLE_SIZE = 5;

/** One check per Gatekeeper constraint; not evaluated while its audit has not run. */
export const constraintViolations: ClusterRule = {
  id: 'CONSTRAINT-VIOLATIONS',
  title: 'Existing resources violate a Gatekeeper constraint',
  scope: 'cluster',
  area: 'policies',
  defaultSeverity: 'medium',
  sections: ['gatekeeper'],
  rationale:
    'Admission control only sees new changes: the audit shows resources admitted before the constraint, or in dryrun, that break the policy.',
  remediation: 'Fix or remove the violating resources listed by the audit (status.violations of the constraint).',
  controls: { cis: null, nsa: 'Kubernetes Pod security: Pod security enforcement', soc2: ['CC7.1'] },
  evaluate({ snapshot }) {
    return snapshot.policies.gatekeeper.constraints.map((constraint) => {
      const subject = `${constraint.kind}/${constraint.name}`;
      if (constraint.totalViolations === null) return notEvaluated(subject, 'the Gatekeeper audit has not run');
      if (constraint.totalViolations === 0) return passed(subject);
      const sample = constraint.violations.slice(0, SAMPLE_SIZE);
      const first = sample[0];
      const example = first
        ? `, e.g. ${first.kind} ${first.namespace ? `${first.namespace}/` : ''}${first.name}: ${first.message}`
        : '';
      const noun = constraint.totalViolations === 1 ? 'violation' : 'violations';
      return failed(subject, {
        resource: subject,
        message: `constraint ${subject} has ${constraint.totalViolations} ${noun}${example}`,
        evidence: {
          totalViolations: constraint.totalViolations,
          enforcementAction: constraint.enforcementAction,
          sample,
        },
      });
    });
  },
};
