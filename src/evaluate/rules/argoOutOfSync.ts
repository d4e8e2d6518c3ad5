import { type ClusterRule, failed, notEvaluated, passed } from '../rule.js';

const SAMPLE_SIZE = 10;

/** One check per Application; sync status Unknown (or none) is not evaluated. */
export const argoOutOfSync: ClusterRule = {
  id: 'ARGO-OUT-OF-SYNC',
  title: 'Argo CD Application out of sync with Git',
  scope: 'cluster',
  area: 'gitops',
  defaultSeverity: 'medium',
  sections: ['argocdApplications'],
  rationale:
    'What runs differs from what was reviewed and merged: a manual change or a failed sync bypassed change management.',
  remediation: 'Review the diff (argocd app diff), then sync, or bring the change into Git through review.',
  controls: { cis: null, nsa: null, soc2: ['CC8.1'] },
  evaluate({ snapshot }) {
    return snapshot.gitops.applications.map((app) => {
      const subject = `Application/${app.namespace}/${app.name}`;
      if (app.syncStatus === 'Synced') return passed(subject);
      if (app.syncStatus !== 'OutOfSync') {
        return notEvaluated(subject, `sync status ${app.syncStatus ?? 'not reported'}`);
      }
      const resources = app.outOfSyncResources.slice(0, SAMPLE_SIZE);
      const count = app.outOfSyncResources.length;
      return failed(subject, {
        resource: subject,
        message: `Application ${app.namespace}/${app.name} is OutOfSync${count > 0 ? ` (${count} resources differ from Git)` : ''}`,
        evidence: {
          syncStatus: app.syncStatus,
          revision: app.revision,
          outOfSyncCount: count,
          outOfSyncResources: resources,
        },
      });
    });
  },
};
