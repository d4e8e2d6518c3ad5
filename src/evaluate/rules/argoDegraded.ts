import { type ClusterRule, failed, notEvaluated, passed } from '../rule.js';

const UNHEALTHY = ['Degraded', 'Missing'];
const HEALTHY = ['Healthy', 'Progressing', 'Suspended'];

/** One check per Application; health Unknown (or none) is not evaluated. */
export const argoDegraded: ClusterRule = {
  id: 'ARGO-DEGRADED',
  title: 'Argo CD Application degraded or missing',
  scope: 'cluster',
  area: 'gitops',
  defaultSeverity: 'high',
  sections: ['argocdApplications'],
  rationale: 'A Degraded or Missing application is not running as declared: the service it provides is impaired.',
  remediation:
    'Inspect the unhealthy resources of the application (argocd app get) and fix the workload or its manifests.',
  controls: { cis: null, nsa: null, soc2: ['CC7.2', 'A1.1'] },
  evaluate({ snapshot }) {
    return snapshot.gitops.applications.map((app) => {
      const subject = `Application/${app.namespace}/${app.name}`;
      if (app.health && HEALTHY.includes(app.health)) return passed(subject);
      if (!app.health || !UNHEALTHY.includes(app.health)) {
        return notEvaluated(subject, `health ${app.health ?? 'not reported'}`);
      }
      return failed(subject, {
        resource: subject,
        message: `Application ${app.namespace}/${app.name} is ${app.health}`,
        evidence: { health: app.health, syncStatus: app.syncStatus, revision: app.revision },
      });
    });
  },
};
