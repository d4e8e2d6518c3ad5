import { applicationLags, missingControllerSettings } from '../reconcileLag.js';
import { type Check, type ClusterRule, failed, notEvaluated, passed } from '../rule.js';

const minutes = (seconds: number): string =>
  seconds < 120 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;

/**
 * One check per Application: stale when its status.reconciledAt, at collection time, is older
 * than `argoReconcileStaleFactor` reconciliation periods of its controller (argocd-cm
 * timeout.reconciliation, 180 s when unset). With many Applications the controller's status
 * processors fall behind and Applications go unreconciled for far longer than the period: drift
 * from Git is then seen late, or not at all. An Application of a controller whose periodic refresh
 * is off (timeout.reconciliation 0) has no period to be late against: no check. Without the
 * controller settings (not read, or a snapshot of an earlier version) the checks are not evaluated.
 */
export const argoReconcileStale: ClusterRule = {
  id: 'ARGO-RECONCILE-STALE',
  title: 'Argo CD Application not reconciled for several periods',
  scope: 'cluster',
  area: 'gitops',
  defaultSeverity: 'medium',
  sections: ['argocdApplications'],
  rationale:
    'Argo CD compares each Application with Git once per reconciliation period (timeout.reconciliation, 180 s by default); with many Applications too few controller processors cannot keep up, so drift and failed syncs show up late and the sync status in this report may be hours old.',
  remediation:
    'Raise controller.status.processors and controller.operation.processors in argocd-cmd-params-cm (about 50/25 per 1000 Applications), shard the application controller, or lengthen timeout.reconciliation and rely on Git webhooks for changes.',
  controls: { cis: null, nsa: null, soc2: ['CC7.1', 'CC8.1'] },
  evaluate({ snapshot, thresholds }) {
    const apps = snapshot.gitops.applications;
    if (apps.length === 0) return [];
    const missing = missingControllerSettings(snapshot);
    if (missing) {
      const unread = missing.unread.map((s) => ({
        section: 'argocdApplications' as const,
        source: s.source,
        state: s.state,
      }));
      return [notEvaluated(`Cluster/${snapshot.meta.cluster}`, missing.reason, unread)];
    }
    const factor = thresholds.argoReconcileStaleFactor;
    return applicationLags(snapshot).flatMap((lag): Check[] => {
      const { application } = lag;
      const subject = `Application/${application.namespace}/${application.name}`;
      if (lag.controller === null) return [notEvaluated(subject, `no controller settings apply: ${lag.why}`)];
      const period = lag.controller.reconciliationSeconds;
      if (period === 0) return [];
      if (lag.lagSeconds === null) return [notEvaluated(subject, 'the Application reports no reconciledAt')];
      if (lag.lagSeconds <= factor * period) return [passed(subject)];
      const controller = lag.controller;
      return [
        failed(subject, {
          resource: subject,
          message: `Application ${application.namespace}/${application.name} was last reconciled ${minutes(lag.lagSeconds)} before collection, more than ${factor} × the ${period} s reconciliation period (${apps.length} Applications on ${snapshot.meta.cluster})`,
          evidence: {
            reconciledAt: application.reconciledAt,
            collectionStart: snapshot.meta.collectionStart,
            lagSeconds: Math.round(lag.lagSeconds),
            reconciliationSeconds: period,
            reconciliationTimeout: controller.reconciliationTimeout,
            staleFactor: factor,
            statusProcessors: controller.statusProcessors,
            operationProcessors: controller.operationProcessors,
            controllerNamespace: controller.namespace || null,
            applications: apps.length,
          },
        }),
      ];
    });
  },
};
