/**
 * Integration: the facts of ARGO-RECONCILE-STALE and GATEKEEPER-ADMISSION-RISK, collected with the
 * real @kubernetes/client-node over HTTPS from a simulated API server: the Argo CD settings
 * ConfigMaps, the Gatekeeper webhooks, audit Deployment and Config. They are sources of the
 * Applications and Gatekeeper sections that only these rules need: one that cannot be read is
 * recorded, and the section's own data stays complete.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { parseGoDurationSeconds } from '../../src/collect/goDuration.js';
import { snapshotFleet } from '../../src/collect/snapshotFleet.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { evaluateFleet } from '../../src/evaluate/evaluate.js';
import { RuleThresholds } from '../../src/evaluate/thresholds.js';
import { fleetFromKubeconfig } from '../../src/fleet/fleetFile.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { readSnapshot } from '../../src/ledger/snapshots.js';
import type { RunningFleet, SimulatedClusterDefinition } from '../../src/simulator/fleet.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { crd, namespace } from './fixtures.js';

let startSimulatedFleet: (clusters: SimulatedClusterDefinition[], options?: { now?: Date }) => Promise<RunningFleet>;
const NOW = DateTime.fromISO('2026-11-25T09:00:00Z', { zone: 'utc' });
const running: RunningFleet[] = [];

beforeAll(async () => {
  ({ startSimulatedFleet } = await import('../../src/simulator/fleet.js'));
});
afterAll(async () => {
  await Promise.all(running.map((fleet) => fleet.stop()));
});

/** Argo CD in `gitops` (a 5-minute period, raised processors), Gatekeeper in `opa` (its webhook Service's namespace). */
const OBJECTS: Record<string, unknown>[] = [
  namespace('gitops'),
  namespace('opa'),
  crd('argoproj.io', ['v1alpha1'], 'Application', 'applications', 'Namespaced'),
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace: 'gitops', name: 'argocd-cm' },
    data: { 'timeout.reconciliation': '5m', 'oidc.config': 'clientSecret: $oidc.secret' },
  },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace: 'gitops', name: 'argocd-cmd-params-cm' },
    data: { 'controller.status.processors': '50', 'controller.operation.processors': '25' },
  },
  {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { namespace: 'gitops', name: 'api' },
    spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'api' } },
    status: { sync: { status: 'Synced' }, health: { status: 'Healthy' }, reconciledAt: '2026-11-25T08:40:00Z' },
  },
  crd('templates.gatekeeper.sh', ['v1'], 'ConstraintTemplate', 'constrainttemplates', 'Cluster'),
  crd('constraints.gatekeeper.sh', ['v1beta1'], 'K8sRequiredLabels', 'k8srequiredlabels', 'Cluster'),
  {
    apiVersion: 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    metadata: { name: 'k8srequiredlabels' },
    spec: { crd: { spec: { names: { kind: 'K8sRequiredLabels' } } } },
  },
  {
    apiVersion: 'constraints.gatekeeper.sh/v1beta1',
    kind: 'K8sRequiredLabels',
    metadata: { name: 'must-have-owner' },
    spec: {},
    status: { totalViolations: 0, auditTimestamp: '2026-11-25T08:00:00Z' },
  },
  {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'opa-gatekeeper' },
    webhooks: [
      {
        name: 'validation.gatekeeper.sh',
        clientConfig: { service: { namespace: 'opa', name: 'gatekeeper-webhook-service' } },
        timeoutSeconds: 15,
        failurePolicy: 'Fail',
      },
    ],
  },
  {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'cert-manager-webhook' },
    webhooks: [{ name: 'webhook.cert-manager.io', timeoutSeconds: 30, failurePolicy: 'Fail' }],
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { namespace: 'opa', name: 'gatekeeper-audit' },
    spec: {
      template: {
        spec: {
          containers: [{ name: 'manager', args: ['--operation=audit', '--audit-from-cache', '--audit-interval=60'] }],
        },
      },
    },
  },
  {
    apiVersion: 'config.gatekeeper.sh/v1alpha1',
    kind: 'Config',
    metadata: { namespace: 'opa', name: 'config' },
    spec: {
      sync: {
        syncOnly: [
          { group: '', version: 'v1', kind: 'Namespace' },
          { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' },
        ],
      },
    },
  },
];

async function collectOne(config: SimulatedClusterDefinition['config'] = {}): Promise<Snapshot> {
  const simulated = await startSimulatedFleet([{ name: 'c1', objects: OBJECTS, config }], { now: NOW.toJSDate() });
  running.push(simulated);
  const fleet = fleetFromKubeconfig(simulated.kubeconfigPath);
  const store = new DirectoryLedgerStore(mkdtempSync(join(tmpdir(), 'ledger-')));
  const result = await snapshotFleet(fleet, { store, now: NOW, logger: createMemoryLogger() });
  return readSnapshot(store, result.clusters[0]!.written!.key);
}

describe('collecting the facts of the seed pitfall rules', () => {
  it('records the Argo CD controller settings and the Gatekeeper webhooks, audit flag and sync list', async () => {
    // Act
    const snapshot = await collectOne();

    // Assess
    expect(snapshot.gitops.controllers).toEqual([
      {
        namespace: 'gitops',
        reconciliationTimeout: '5m',
        reconciliationSeconds: 300,
        statusProcessors: 50,
        operationProcessors: 25,
      },
    ]);
    expect(snapshot.policies.gatekeeper.admission).toEqual({
      namespace: 'opa',
      // Only the webhooks of Gatekeeper: cert-manager's is left out.
      webhooks: [
        {
          configuration: 'opa-gatekeeper',
          name: 'validation.gatekeeper.sh',
          timeoutSeconds: 15,
          failurePolicy: 'Fail',
        },
      ],
      auditFromCache: true,
      syncOnly: ['v1 Namespace', 'networking.k8s.io/v1 Ingress'],
    });
    expect(snapshot.meta.sections.gatekeeper?.state).toBe('ok');
    expect(snapshot.meta.sections.argocdApplications?.sources?.map((s) => [s.source, s.state])).toEqual([
      ['Argo CD Applications', 'ok'],
      ['ConfigMaps argocd-cm (every namespace)', 'ok'],
      ['ConfigMap gitops/argocd-cmd-params-cm', 'ok'],
    ]);
    // Nothing else of argocd-cm is kept (it may name SSO secrets).
    expect(JSON.stringify(snapshot)).not.toContain('oidc');
  });

  it('keeps the Applications and the Gatekeeper objects complete when the settings are forbidden, and the rules say they could not evaluate', async () => {
    // Act
    const snapshot = await collectOne({
      forbidden: ['configmaps', 'validatingwebhookconfigurations.admissionregistration.k8s.io'],
    });

    // Assess
    expect(snapshot.meta.sections.argocdApplications?.state).toBe('ok');
    expect(snapshot.meta.sections.gatekeeper?.state).toBe('ok');
    expect(snapshot.gitops.applications.map((a) => a.name)).toEqual(['api']);
    expect(snapshot.gitops.controllers).toBeUndefined();
    expect(snapshot.policies.gatekeeper.admission?.webhooks).toBeNull();
    expect(
      snapshot.meta.sections.gatekeeper?.sources?.filter((s) => s.state !== 'ok').map((s) => [s.source, s.state]),
    ).toEqual([
      ['ValidatingWebhookConfigurations', 'forbidden'],
      // Without the webhook Service to name Gatekeeper's namespace, the default one is tried.
      ['Deployment gatekeeper-system/gatekeeper-audit', 'absent'],
      ['Gatekeeper Config gatekeeper-system/config', 'absent'],
    ]);

    const evaluation = evaluateFleet([snapshot], { now: NOW });
    expect(
      evaluation.unevaluated
        .filter((c) => c.rule === 'ARGO-RECONCILE-STALE' || c.rule === 'GATEKEEPER-ADMISSION-RISK')
        .map((c) => [c.rule, c.reason]),
    ).toEqual([
      ['GATEKEEPER-ADMISSION-RISK', 'the ValidatingWebhookConfigurations could not be read'],
      [
        'ARGO-RECONCILE-STALE',
        'the Argo CD settings could not be read: ConfigMaps argocd-cm (every namespace) forbidden',
      ],
    ]);
  });

  it('finds both pitfalls on the collected facts: a fail-closed 15 s webhook with many templates', async () => {
    const snapshot = await collectOne();
    const evaluation = evaluateFleet([snapshot], {
      now: NOW,
      thresholds: RuleThresholds.parse({
        gatekeeperManyTemplates: 1,
        argoReconcileStaleFactor: 1,
      }),
    });
    expect(
      evaluation.findings
        .filter((f) => f.rule === 'ARGO-RECONCILE-STALE' || f.rule === 'GATEKEEPER-ADMISSION-RISK')
        .map((f) => [f.rule, f.resource]),
    ).toEqual([
      ['ARGO-RECONCILE-STALE', 'Application/gitops/api'],
      ['GATEKEEPER-ADMISSION-RISK', 'Cluster/c1'],
    ]);
  });
});

describe("Go's duration format (timeout.reconciliation)", () => {
  it('reads the forms Argo CD users write, and rejects what Go rejects', () => {
    expect(['180s', '3m', '1h30m', '0', '1.5h', '250ms', '0s'].map(parseGoDurationSeconds)).toEqual([
      180, 180, 5400, 0, 5400, 0.25, 0,
    ]);
    expect(['', '180', 'three minutes', '3 m', 's'].map(parseGoDurationSeconds)).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});
