/**
 * The two seed pitfalls with a built-in rule of their own: ARGO-RECONCILE-STALE (Argo CD sync
 * delay with many Applications) and GATEKEEPER-ADMISSION-RISK (Gatekeeper admission latency with
 * many templates), on hand-written snapshots collected at 06:00.
 */
import { worstReconcileLag } from '../../src/evaluate/reconcileLag.js';
import { argoReconcileStale } from '../../src/evaluate/rules/argoReconcileStale.js';
import { gatekeeperAdmissionRisk } from '../../src/evaluate/rules/gatekeeperAdmissionRisk.js';
import { RuleThresholds } from '../../src/evaluate/thresholds.js';
import type { ArgoController, GatekeeperAdmission, Snapshot } from '../../src/snapshot/schema.js';
import { application, constraint, run, snapshotOf, tallyOf } from './fixtures.js';

const controller = (overrides: Partial<ArgoController> = {}): ArgoController => ({
  namespace: 'argocd',
  reconciliationTimeout: '180s',
  reconciliationSeconds: 180,
  statusProcessors: 2,
  operationProcessors: 1,
  ...overrides,
});

/** Collected at 06:00: fresh was reconciled a minute before, late 8 min, stale 25 min. */
function argoCluster(controllers: ArgoController[] | undefined, fill: (s: Snapshot) => void = () => {}): Snapshot {
  return snapshotOf('host', (s) => {
    s.gitops.applications.push(
      application('argocd', 'fresh', { reconciledAt: '2026-11-25T05:59:00.000Z' }),
      application('argocd', 'late', { reconciledAt: '2026-11-25T05:52:00.000Z' }),
      application('argocd', 'stale', { reconciledAt: '2026-11-25T05:35:00.000Z' }),
      application('argocd', 'new', { reconciledAt: null }),
    );
    if (controllers) s.gitops.controllers = controllers;
    fill(s);
  });
}

describe('ARGO-RECONCILE-STALE', () => {
  it('fails an Application whose last reconciliation is older than 3 periods, with the controller figures as evidence', () => {
    // Act
    const evaluation = run(argoReconcileStale, [argoCluster([controller()])]);

    // Assess
    expect(evaluation.findings.map((f) => [f.cluster, f.resource, f.severity, f.message])).toEqual([
      [
        'host',
        'Application/argocd/stale',
        'medium',
        'Application argocd/stale was last reconciled 25 min before collection, more than 3 × the 180 s reconciliation period (4 Applications on host)',
      ],
    ]);
    expect(evaluation.findings[0]?.evidence).toEqual({
      reconciledAt: '2026-11-25T05:35:00.000Z',
      collectionStart: '2026-11-25T06:00:00.000Z',
      lagSeconds: 1500,
      reconciliationSeconds: 180,
      reconciliationTimeout: '180s',
      staleFactor: 3,
      statusProcessors: 2,
      operationProcessors: 1,
      controllerNamespace: 'argocd',
      applications: 4,
    });
    // fresh and late (8 min < 9 min) pass; new has no reconciledAt: not evaluated, never passed.
    expect(tallyOf(evaluation, 'ARGO-RECONCILE-STALE')).toEqual({ applicable: 4, evaluated: 3, passed: 2 });
    expect(evaluation.unevaluated.map((c) => [c.subject, c.reason])).toEqual([
      ['Application/argocd/new', 'the Application reports no reconciledAt'],
    ]);
  });

  it('measures against the configured period and factor: a 60 s period makes the 8-minute lag stale too', () => {
    const thresholds = RuleThresholds.parse({ argoReconcileStaleFactor: 2 });
    const evaluation = run(argoReconcileStale, [argoCluster([controller({ reconciliationSeconds: 240 })])], {
      thresholds,
    });
    // 2 × 240 s = 8 min: late (exactly 8 min) still passes, stale fails.
    expect(evaluation.findings.map((f) => f.resource)).toEqual(['Application/argocd/stale']);

    const short = run(argoReconcileStale, [argoCluster([controller({ reconciliationSeconds: 60 })])]);
    expect(short.findings.map((f) => f.resource)).toEqual(['Application/argocd/late', 'Application/argocd/stale']);
  });

  it("uses Argo CD's default period (180 s) when the cluster has no argocd-cm", () => {
    const evaluation = run(argoReconcileStale, [argoCluster([])]);
    expect(evaluation.findings.map((f) => [f.resource, f.evidence['reconciliationSeconds']])).toEqual([
      ['Application/argocd/stale', 180],
    ]);
  });

  it('makes no check when the controller refreshes on Git webhooks only (timeout.reconciliation 0)', () => {
    const evaluation = run(argoReconcileStale, [
      argoCluster([controller({ reconciliationTimeout: '0', reconciliationSeconds: 0 })]),
    ]);
    expect(evaluation.findings).toEqual([]);
    expect(tallyOf(evaluation, 'ARGO-RECONCILE-STALE')).toEqual({ applicable: 0, evaluated: 0, passed: 0 });
  });

  it('takes the controller of the Application namespace when several Argo CD instances run', () => {
    const snapshot = argoCluster(
      [controller(), controller({ namespace: 'team-a', reconciliationSeconds: 3600 })],
      (s) => s.gitops.applications.push(application('team-a', 'slow', { reconciledAt: '2026-11-25T05:00:00.000Z' })),
    );
    const evaluation = run(argoReconcileStale, [snapshot]);
    // team-a/slow: 60 min within 3 × 1 h.
    expect(evaluation.findings.map((f) => f.resource)).toEqual(['Application/argocd/stale']);
  });

  it('is not evaluated, naming the unread ConfigMaps, when the controller settings could not be read', () => {
    // Prepare: the Applications were read, the argocd-cm list was forbidden (recorded, section ok).
    const snapshot = argoCluster(undefined, (s) => {
      s.meta.sections.argocdApplications = {
        state: 'ok',
        sources: [
          { source: 'Argo CD Applications', request: 'GET /apis/argoproj.io/v1alpha1/applications', state: 'ok' },
          {
            source: 'ConfigMaps argocd-cm (every namespace)',
            request: 'GET /api/v1/configmaps?fieldSelector=metadata.name=argocd-cm',
            state: 'forbidden',
            message: 'configmaps is forbidden',
          },
        ],
      };
    });

    // Act
    const evaluation = run(argoReconcileStale, [snapshot]);

    // Assess
    expect(evaluation.findings).toEqual([]);
    expect(evaluation.unevaluated.map((c) => [c.subject, c.reason, c.unread])).toEqual([
      [
        'Cluster/host',
        'the Argo CD settings could not be read: ConfigMaps argocd-cm (every namespace) forbidden',
        [{ section: 'argocdApplications', source: 'ConfigMaps argocd-cm (every namespace)', state: 'forbidden' }],
      ],
    ]);
    expect(tallyOf(evaluation, 'ARGO-RECONCILE-STALE')).toEqual({ applicable: 1, evaluated: 0, passed: 0 });
  });

  it('is not evaluated on a snapshot of an earlier version, which holds no controller settings', () => {
    const evaluation = run(argoReconcileStale, [argoCluster(undefined)]);
    expect(evaluation.unevaluated.map((c) => c.reason)).toEqual([
      'the snapshot holds no Argo CD controller settings (taken by an earlier version)',
    ]);
  });

  it('gives the worst lag of a cluster for the drift section', () => {
    expect(worstReconcileLag(argoCluster([controller()]))).toEqual({
      application: 'argocd/stale',
      reconciledAt: '2026-11-25T05:35:00.000Z',
      lagSeconds: 1500,
      periodSeconds: 180,
    });
    expect(worstReconcileLag(argoCluster(undefined))).toBeNull();
  });
});

const admission = (overrides: Partial<GatekeeperAdmission> = {}): GatekeeperAdmission => ({
  namespace: 'gatekeeper-system',
  webhooks: [
    {
      configuration: 'gatekeeper-validating-webhook-configuration',
      name: 'validation.gatekeeper.sh',
      timeoutSeconds: 3,
      failurePolicy: 'Ignore',
    },
    {
      configuration: 'gatekeeper-validating-webhook-configuration',
      name: 'check-ignore-label.gatekeeper.sh',
      timeoutSeconds: 3,
      failurePolicy: 'Fail',
    },
  ],
  auditFromCache: false,
  syncOnly: [],
  ...overrides,
});

function gatekeeperCluster(templates: number, settings: GatekeeperAdmission | undefined): Snapshot {
  return snapshotOf('cluster-a', (s) => {
    for (let i = 0; i < templates; i++) {
      s.policies.gatekeeper.templates.push({ name: `t${i}`, kind: `K8sRule${i}`, errors: [] });
    }
    s.policies.gatekeeper.constraints.push(constraint('K8sRule0', 'c0'));
    if (settings) s.policies.gatekeeper.admission = settings;
  });
}

const hook = (timeoutSeconds: number | null, failurePolicy: string | null) => [
  { configuration: 'gk', name: 'validation.gatekeeper.sh', timeoutSeconds, failurePolicy },
];

describe('GATEKEEPER-ADMISSION-RISK', () => {
  it('passes a short fail-open webhook with many templates and an audit listing from the API server', () => {
    const evaluation = run(gatekeeperAdmissionRisk, [gatekeeperCluster(30, admission())]);
    expect(evaluation.findings).toEqual([]);
    expect(tallyOf(evaluation, 'GATEKEEPER-ADMISSION-RISK')).toEqual({ applicable: 1, evaluated: 1, passed: 1 });
  });

  it('fails a fail-closed webhook with a long timeout once there are many templates, with the figures as evidence', () => {
    // Unset failurePolicy and timeoutSeconds are the API server defaults: Fail, 10 s.
    const evaluation = run(gatekeeperAdmissionRisk, [gatekeeperCluster(25, admission({ webhooks: hook(null, null) }))]);
    expect(evaluation.findings.map((f) => f.message)).toEqual([
      'Gatekeeper admission on cluster-a is at risk: the webhook fails closed with 25 templates: a request whose evaluation takes over 10 s is rejected; every write may wait up to 10 s for 25 templates',
    ]);
    expect(evaluation.findings[0]?.evidence).toEqual({
      templates: 25,
      constraints: 1,
      webhook: { configuration: 'gk', name: 'validation.gatekeeper.sh', timeoutSeconds: 10, failurePolicy: 'Fail' },
      auditFromCache: false,
      syncOnly: [],
      manyTemplates: 25,
      maxWebhookTimeoutSeconds: 5,
    });
  });

  it('leaves the same webhook alone with few templates', () => {
    const evaluation = run(gatekeeperAdmissionRisk, [gatekeeperCluster(24, admission({ webhooks: hook(10, 'Fail') }))]);
    expect(evaluation.findings).toEqual([]);
  });

  it('follows the configured thresholds', () => {
    const thresholds = RuleThresholds.parse({ gatekeeperManyTemplates: 5, gatekeeperMaxWebhookTimeoutSeconds: 10 });
    const evaluation = run(
      gatekeeperAdmissionRisk,
      [gatekeeperCluster(5, admission({ webhooks: hook(10, 'Ignore') }))],
      {
        thresholds,
      },
    );
    expect(evaluation.findings).toEqual([]);
    const slow = run(gatekeeperAdmissionRisk, [gatekeeperCluster(5, admission({ webhooks: hook(11, 'Ignore') }))], {
      thresholds,
    });
    expect(slow.findings.map((f) => f.message)).toEqual([
      'Gatekeeper admission on cluster-a is at risk: every write may wait up to 11 s for 5 templates',
    ]);
  });

  it('fails an audit from the cache that no Config sync list fills, whatever the number of templates', () => {
    const noConfig = run(gatekeeperAdmissionRisk, [
      gatekeeperCluster(1, admission({ auditFromCache: true, syncOnly: null })),
    ]);
    expect(noConfig.findings.map((f) => f.message)).toEqual([
      'Gatekeeper admission on cluster-a is at risk: the audit runs from the cache (--audit-from-cache) but no Config sync list fills it: it sees no objects and reports no violations',
    ]);
    const emptyList = run(gatekeeperAdmissionRisk, [gatekeeperCluster(1, admission({ auditFromCache: true }))]);
    expect(emptyList.findings.map((f) => f.evidence['syncOnly'])).toEqual([[]]);
    const synced = run(gatekeeperAdmissionRisk, [
      gatekeeperCluster(1, admission({ auditFromCache: true, syncOnly: ['v1 Pod', 'v1 Namespace'] })),
    ]);
    expect(synced.findings).toEqual([]);
  });

  it('is not evaluated when the webhook configurations could not be read, naming the source', () => {
    const snapshot = gatekeeperCluster(30, admission({ webhooks: null }));
    snapshot.meta.sections.gatekeeper = {
      state: 'ok',
      sources: [
        {
          source: 'ValidatingWebhookConfigurations',
          request: 'GET /apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
          state: 'forbidden',
        },
      ],
    };
    const evaluation = run(gatekeeperAdmissionRisk, [snapshot]);
    expect(evaluation.unevaluated.map((c) => [c.reason, c.unread])).toEqual([
      [
        'the ValidatingWebhookConfigurations could not be read',
        [{ section: 'gatekeeper', source: 'ValidatingWebhookConfigurations', state: 'forbidden' }],
      ],
    ]);
  });

  it('is not evaluated, rather than passed, when the audit Deployment could not be read', () => {
    const snapshot = gatekeeperCluster(1, admission({ auditFromCache: null }));
    snapshot.meta.sections.gatekeeper = {
      state: 'ok',
      sources: [
        {
          source: 'Deployment gatekeeper-system/gatekeeper-audit',
          request: 'GET /apis/apps/v1/namespaces/gatekeeper-system/deployments/gatekeeper-audit',
          state: 'forbidden',
        },
      ],
    };
    const evaluation = run(gatekeeperAdmissionRisk, [snapshot]);
    expect(evaluation.unevaluated.map((c) => c.reason)).toEqual(['the gatekeeper-audit Deployment could not be read']);
    expect(tallyOf(evaluation, 'GATEKEEPER-ADMISSION-RISK')).toEqual({ applicable: 1, evaluated: 0, passed: 0 });
  });

  it('is not evaluated when the templates could not be read: nothing to weigh the webhook against', () => {
    const snapshot = gatekeeperCluster(0, undefined);
    snapshot.meta.sections.gatekeeper = {
      state: 'partial',
      sources: [
        {
          source: 'ConstraintTemplates',
          request: 'GET /apis/templates.gatekeeper.sh/v1/constrainttemplates',
          state: 'forbidden',
        },
        { source: 'K8sRule0 constraints', request: 'GET /apis/constraints.gatekeeper.sh/v1/k8srule0', state: 'ok' },
      ],
    };
    snapshot.meta.status = 'partial';
    const evaluation = run(gatekeeperAdmissionRisk, [snapshot]);
    expect(evaluation.unevaluated.map((c) => [c.reason, c.unread])).toEqual([
      [
        'the ConstraintTemplates could not be read',
        [{ section: 'gatekeeper', source: 'ConstraintTemplates', state: 'forbidden' }],
      ],
      // The partial section's own not-evaluated check (what was not read may hold more).
      [
        expect.stringContaining('gatekeeper partial'),
        [{ section: 'gatekeeper', source: 'ConstraintTemplates', state: 'forbidden' }],
      ],
    ]);
  });

  it('is not evaluated on a snapshot of an earlier version, and makes no check where Gatekeeper is not installed', () => {
    expect(run(gatekeeperAdmissionRisk, [gatekeeperCluster(1, undefined)]).unevaluated.map((c) => c.reason)).toEqual([
      'the snapshot holds no Gatekeeper webhook settings (taken by an earlier version)',
    ]);
    const without = snapshotOf('cluster-b', (s) => {
      s.policies.gatekeeper.installed = false;
    });
    expect(tallyOf(run(gatekeeperAdmissionRisk, [without]), 'GATEKEEPER-ADMISSION-RISK')).toEqual({
      applicable: 0,
      evaluated: 0,
      passed: 0,
    });
  });
});
