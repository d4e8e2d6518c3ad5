import { type ClusterRule, failed, passed } from '../rule.js';

/** One check per Application: automated sync with selfHeal. */
export const argoAutosyncOff: ClusterRule = {
  id: 'ARGO-AUTOSYNC-OFF',
  title: 'Argo CD Application without automated sync and self-heal',
  scope: 'cluster',
  area: 'gitops',
  defaultSeverity: 'low',
  sections: ['argocdApplications'],
  rationale:
    'Without automated sync and selfHeal, manual changes in the cluster persist and Git stops being the source of truth.',
  remediation: 'Set spec.syncPolicy.automated with selfHeal: true (and prune where safe).',
  controls: { cis: null, nsa: null, soc2: ['CC8.1'] },
  evaluate({ snapshot }) {
    return snapshot.gitops.applications.map((app) => {
      const subject = `Application/${app.namespace}/${app.name}`;
      if (app.automated.enabled && app.automated.selfHeal) return passed(subject);
      return failed(subject, {
        resource: subject,
        message: app.automated.enabled
          ? `Application ${app.namespace}/${app.name} syncs automatically but without selfHeal: manual changes persist`
          : `Application ${app.namespace}/${app.name} has no automated sync`,
        evidence: { automated: app.automated },
      });
    });
  },
};
