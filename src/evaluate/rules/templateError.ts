import { type ClusterRule, failed, passed } from '../rule.js';

/** One check per ConstraintTemplate. */
export const templateError: ClusterRule = {
  id: 'TEMPLATE-ERROR',
  title: 'Gatekeeper ConstraintTemplate with errors',
  scope: 'cluster',
  area: 'policies',
  defaultSeverity: 'high',
  sections: ['gatekeeper'],
  rationale: 'A template that does not compile enforces nothing: its constraints silently admit everything.',
  remediation: 'Fix the Rego of the template (status.byPod[].errors) and re-apply it.',
  controls: { cis: null, nsa: 'Kubernetes Pod security: Pod security enforcement', soc2: ['CC6.8', 'CC8.1'] },
  evaluate({ snapshot }) {
    return snapshot.policies.gatekeeper.templates.map((template) => {
      const subject = `ConstraintTemplate/${template.name}`;
      if (template.errors.length === 0) return passed(subject);
      return failed(subject, {
        resource: subject,
        message: `ConstraintTemplate ${template.name} (${template.kind}) has errors: ${template.errors.join('; ')}`,
        evidence: { kind: template.kind, errors: template.errors },
      });
    });
  },
};
