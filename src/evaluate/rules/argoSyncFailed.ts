import { type ClusterRule, failed, passed } from '../rule.js';

const FAILED_PHASES = ['Failed', 'Error'];

/** One check per Application: its last sync operation ended Failed or Error. */
export const argoSyncFailed: ClusterRule = {
  id: 'ARGO-SYNC-FAILED',
  title: 'Argo CD sync operation failed',
  scope: 'cluster',
  area: 'gitops',
  defaultSeverity: 'high',
  sections: ['argocdApplications'],
  rationale: 'A failed sync leaves the cluster in a partly applied state that nobody reviewed as such.',
  remediation:
    'Read the operation message (status.operationState.message), fix the manifests or the hooks, sync again.',
  controls: { cis: null, nsa: null, soc2: ['CC8.1'] },
  evaluate({ snapshot }) {
    return snapshot.gitops.applications.map((app) => {
      const subject = `Application/${app.namespace}/${app.name}`;
      const phase = app.operation?.phase ?? null;
      if (phase === null || !FAILED_PHASES.includes(phase)) return passed(subject);
      return failed(subject, {
        resource: subject,
        message: `the last sync of Application ${app.namespace}/${app.name} ended ${phase}: ${app.operation?.message ?? 'no message'}`,
        evidence: { phase, operationMessage: app.operation?.message ?? null, revision: app.revision },
      });
    });
  },
};
