/**
 * How long ago Argo CD last reconciled each Application, against the period of the controller that
 * reconciles it. Shared by ARGO-RECONCILE-STALE and the report's drift section (worst lag per
 * cluster), so both measure the same way: at the snapshot's collection start, what the cluster
 * showed then.
 */
import { DateTime } from 'luxon';
import type { ArgoApplication, ArgoController, Snapshot, SourceStatus } from '../snapshot/schema.js';

/** Argo CD's default when argocd-cm has no timeout.reconciliation (or no argocd-cm exists). */
const DEFAULT_CONTROLLER: ArgoController = {
  namespace: '',
  reconciliationTimeout: null,
  reconciliationSeconds: 180,
  statusProcessors: null,
  operationProcessors: null,
};

export type ApplicationLag =
  | {
      application: ArgoApplication;
      controller: ArgoController;
      /** Seconds between status.reconciledAt and the collection start; null: never reconciled. */
      lagSeconds: number | null;
    }
  | { application: ArgoApplication; controller: null; why: string };

/**
 * The controller settings the snapshot lacks: undefined when they were read (possibly as none),
 * else why not and the unread sources of the settings.
 */
export function missingControllerSettings(
  snapshot: Snapshot,
): { reason: string; unread: readonly SourceStatus[] } | undefined {
  if (snapshot.gitops.controllers !== undefined) return undefined;
  const unread = (snapshot.meta.sections.argocdApplications?.sources ?? []).filter(
    (s) => s.source.startsWith('ConfigMaps argocd-cm') && s.state !== 'ok' && s.state !== 'absent',
  );
  return unread.length > 0
    ? {
        reason: `the Argo CD settings could not be read: ${unread.map((s) => `${s.source} ${s.state}`).join(', ')}`,
        unread,
      }
    : { reason: 'the snapshot holds no Argo CD controller settings (taken by an earlier version)', unread };
}

/**
 * Each Application's lag and controller: the one whose argocd-cm is in the Application's
 * namespace, else the only one, else (none found) Argo CD's defaults. Empty when the settings were
 * not read (see missingControllerSettings).
 */
export function applicationLags(snapshot: Snapshot): ApplicationLag[] {
  const controllers = snapshot.gitops.controllers;
  if (controllers === undefined) return [];
  const collectedAt = DateTime.fromISO(snapshot.meta.collectionStart, { zone: 'utc' });
  return snapshot.gitops.applications.map((application): ApplicationLag => {
    const controller =
      controllers.find((c) => c.namespace === application.namespace) ??
      (controllers.length === 1 ? controllers[0] : undefined) ??
      (controllers.length === 0 ? DEFAULT_CONTROLLER : undefined);
    if (!controller) {
      return {
        application,
        controller: null,
        why: `${controllers.length} Argo CD instances (${controllers.map((c) => c.namespace).join(', ')}) and none in namespace ${application.namespace}`,
      };
    }
    const lagSeconds = application.reconciledAt
      ? Math.max(0, collectedAt.diff(DateTime.fromISO(application.reconciledAt, { zone: 'utc' }), 'seconds').seconds)
      : null;
    return { application, controller, lagSeconds };
  });
}

/** The Application reconciled longest ago (ties: the first listed), or null when no lag is known. */
export function worstReconcileLag(
  snapshot: Snapshot,
): { application: string; reconciledAt: string; lagSeconds: number; periodSeconds: number } | null {
  let worst: { application: string; reconciledAt: string; lagSeconds: number; periodSeconds: number } | null = null;
  for (const lag of applicationLags(snapshot)) {
    if (lag.controller === null || lag.lagSeconds === null || lag.application.reconciledAt === null) continue;
    if (worst && worst.lagSeconds >= lag.lagSeconds) continue;
    worst = {
      application: `${lag.application.namespace}/${lag.application.name}`,
      reconciledAt: lag.application.reconciledAt,
      lagSeconds: Math.round(lag.lagSeconds),
      periodSeconds: lag.controller.reconciliationSeconds,
    };
  }
  return worst;
}
