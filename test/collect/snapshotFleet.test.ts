/**
 * Integration: the real @kubernetes/client-node over HTTPS against simulated API servers, the
 * real directory ledger, snapshots read back through the ledger's validation.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { collectClusterSnapshot } from '../../src/collect/collectClusterSnapshot.js';
import { snapshotFleet } from '../../src/collect/snapshotFleet.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { type Fleet, fleetFromKubeconfig } from '../../src/fleet/fleetFile.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { readManifests, recordRun } from '../../src/ledger/manifest.js';
import { gunzipObject, parseJsonObject } from '../../src/ledger/objects.js';
import { readSnapshot, writeSnapshot } from '../../src/ledger/snapshots.js';
import type { PutOptions, PutResult } from '../../src/ledger/store.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import type { IssuedCertificate } from '../../src/simulator/certificates.js';
import type { RunningFleet, SimulatedClusterDefinition } from '../../src/simulator/fleet.js';
import { Snapshot } from '../../src/snapshot/schema.js';
import { crd, fullClusterObjects, namespace, opaqueSecrets, SECRET_MARKERS, tlsSecret } from './fixtures.js';

let createCertificate: (
  options: Parameters<typeof import('../../src/simulator/certificates.js').createCertificate>[0],
) => Promise<IssuedCertificate>;
let startSimulatedFleet: (clusters: SimulatedClusterDefinition[], options?: { now?: Date }) => Promise<RunningFleet>;

const NOW = DateTime.fromISO('2026-11-25T09:00:00Z', { zone: 'utc' });
const day = 24 * 3600 * 1000;

interface Certs {
  root: IssuedCertificate;
  intermediate: IssuedCertificate;
  leaf: IssuedCertificate;
  meshRoot: IssuedCertificate;
  meshIntermediate: IssuedCertificate;
}
let certs: Certs;
const running: RunningFleet[] = [];

beforeAll(async () => {
  ({ createCertificate } = await import('../../src/simulator/certificates.js'));
  ({ startSimulatedFleet } = await import('../../src/simulator/fleet.js'));
  const notBefore = new Date(NOW.toMillis() - 30 * day);
  const root = await createCertificate({
    subject: 'CN=Corp Root, O=Example',
    notBefore,
    notAfter: new Date(NOW.toMillis() + 3650 * day),
    isCA: true,
  });
  const intermediate = await createCertificate({
    subject: 'CN=Corp Intermediate, O=Example',
    notBefore,
    notAfter: new Date(NOW.toMillis() + 1000 * day),
    isCA: true,
    issuer: root,
  });
  const leaf = await createCertificate({
    subject: 'CN=api.payments.example',
    dnsNames: ['api.payments.example'],
    notBefore,
    notAfter: new Date(NOW.toMillis() + 5 * day),
    issuer: intermediate,
  });
  const meshRoot = await createCertificate({
    subject: 'CN=Mesh Root, O=Example',
    notBefore,
    notAfter: new Date(NOW.toMillis() + 3650 * day),
    isCA: true,
  });
  const meshIntermediate = await createCertificate({
    subject: 'CN=Mesh Intermediate, O=Example',
    notBefore,
    notAfter: new Date(NOW.toMillis() + 365 * day),
    isCA: true,
    issuer: meshRoot,
  });
  certs = { root, intermediate, leaf, meshRoot, meshIntermediate };
});

afterAll(async () => {
  await Promise.all(running.map((fleet) => fleet.stop()));
});

async function simulate(clusters: SimulatedClusterDefinition[]): Promise<{ simulated: RunningFleet; fleet: Fleet }> {
  const simulated = await startSimulatedFleet(clusters, { now: NOW.toJSDate() });
  running.push(simulated);
  const fleet = fleetFromKubeconfig(simulated.kubeconfigPath);
  return { simulated, fleet: { ...fleet, defaults: { ...fleet.defaults, requestTimeoutSeconds: 5 } } };
}

function newStore(): DirectoryLedgerStore {
  return new DirectoryLedgerStore(mkdtempSync(join(tmpdir(), 'ledger-')));
}

async function snapshotsOf(store: DirectoryLedgerStore, keys: readonly string[]): Promise<Map<string, Snapshot>> {
  const out = new Map<string, Snapshot>();
  for (const key of keys) {
    const snapshot = await readSnapshot(store, key);
    out.set(snapshot.meta.cluster, snapshot);
  }
  return out;
}

const fingerprint = async (pem: string) =>
  (await import('node:crypto'))
    .createHash('sha256')
    .update(new (await import('node:crypto')).X509Certificate(pem).raw)
    .digest('hex');

describe('snapshotting a fleet', () => {
  it('collects every section, field by field, from the objects served', async () => {
    // Prepare
    const { simulated, fleet } = await simulate([
      { name: 'full', objects: fullClusterObjects(certs), config: { kubernetesVersion: 'v1.33.2' } },
    ]);
    const store = newStore();
    const logger = createMemoryLogger();

    // Act
    const result = await snapshotFleet(fleet, { store, now: NOW, logger });

    // Assess
    expect(result.counts).toEqual({ ok: 1, partial: 0, unreachable: 0 });
    const snapshot = (
      await snapshotsOf(
        store,
        result.clusters.map((c) => c.written!.key),
      )
    ).get('full')!;
    const { meta } = snapshot;
    expect(meta.status).toBe('ok');
    expect(meta.cluster).toBe('full');
    expect(meta.kubernetesVersion).toBe('v1.33.2');
    expect(meta.endpoint).toBe(simulated.clusters[0]!.server);
    // No aliases declared (a kubeconfig fleet): none recorded.
    expect(meta).not.toHaveProperty('aliases');
    // The Istio remote server's password, the ApplicationSet's repository password and bearer token.
    expect(meta.redactions).toEqual({ bearer: 1, userinfo: 2 });
    expect(meta.collectionStart >= '2026-11-25T09:00:00.000Z').toBe(true);
    expect(meta.collectionEnd >= meta.collectionStart).toBe(true);
    expect(meta.servingCertificate?.fingerprint256).toBe(await fingerprint(simulated.clusters[0]!.servingCertPem));
    expect(Object.entries(meta.sections).filter(([, s]) => s.state !== 'ok')).toEqual([]);
    expect(meta.objectsRead).toBe(36); // every item listed: 7 namespaces 2 quotas, 1 limit range, 1 template, 2 constraints, 1 policy, 1 report, 3 netpols, 3 peer auths, 3 nodes, 1 service CIDR, 1 pool, 2 TLS secrets, 1 certificate, 2 root cert maps, 1 app, 1 appset, 1 argo cluster, 1 kubefed cluster, 1 remote secret
    expect(result.clusters[0]!.written!.key).toMatch(/^snapshots\/cluster=full\/date=2026-11-25\//);

    expect(snapshot.namespaces.find((n) => n.name === 'payments')).toEqual({
      name: 'payments',
      labels: { team: 'payments', 'kubernetes.io/metadata.name': 'payments' },
      phase: 'Active',
    });
    expect(snapshot.quotas.resourceQuotas).toEqual([
      {
        namespace: 'payments',
        name: 'default-quota',
        resources: [
          { resource: 'pods', hard: '20', used: '3', hardValue: 20, usedValue: 3 },
          { resource: 'requests.cpu', hard: '2', used: '500m', hardValue: 2, usedValue: 0.5 },
          {
            resource: 'requests.memory',
            hard: '4Gi',
            used: '1536Mi',
            hardValue: 4 * 2 ** 30,
            usedValue: 1536 * 2 ** 20,
          },
        ],
      },
      {
        namespace: 'web',
        name: 'fresh-quota',
        resources: [{ resource: 'limits.memory', hard: '1G', used: null, hardValue: 1e9, usedValue: null }],
      },
    ]);
    expect(snapshot.quotas.limitRanges).toEqual([
      {
        namespace: 'payments',
        name: 'compute-limits',
        limits: [
          {
            type: 'Container',
            default: { cpu: '500m', memory: '512Mi' },
            defaultRequest: { cpu: '100m', memory: '128Mi' },
            min: {},
            max: { cpu: '2' },
          },
        ],
      },
    ]);

    const { gatekeeper, kyverno, networkPolicies, istio } = snapshot.policies;
    expect(gatekeeper.installed).toBe(true);
    expect(gatekeeper.apiVersion).toBe('templates.gatekeeper.sh/v1');
    expect(gatekeeper.templates).toEqual([
      { name: 'k8srequiredlabels', kind: 'K8sRequiredLabels', errors: ['rego parse error at line 3'] },
    ]);
    expect([...gatekeeper.constraints].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      {
        kind: 'K8sDisallowHostPath',
        name: 'deny-host-path',
        enforcementAction: 'deny',
        totalViolations: null,
        violations: [],
        auditTimestamp: null,
      },
      {
        kind: 'K8sRequiredLabels',
        name: 'must-have-owner',
        enforcementAction: 'dryrun',
        totalViolations: 42,
        violations: [
          {
            kind: 'Namespace',
            name: 'web',
            message: 'you must provide labels: {"owner"}',
            enforcementAction: 'dryrun',
          },
        ],
        auditTimestamp: '2026-11-25T08:00:00.000Z',
      },
    ]);
    expect(kyverno).toEqual({
      installed: true,
      policies: [{ kind: 'ClusterPolicy', name: 'require-requests', validationFailureAction: 'Enforce', ready: true }],
      reports: [
        {
          apiGroup: 'wgpolicyk8s.io',
          kind: 'PolicyReport',
          namespace: 'payments',
          name: 'polr-payments',
          summary: { pass: 10, fail: 2, warn: 1, error: 0, skip: 3 },
        },
      ],
    });
    const posture = (ns: string, facts: Partial<(typeof networkPolicies)[number]>) => ({
      namespace: ns,
      policyCount: 0,
      defaultDenyIngress: false,
      defaultDenyEgress: false,
      allowAllIngress: false,
      allowAllEgress: false,
      ...facts,
    });
    expect(networkPolicies).toEqual([
      posture('argocd', {}),
      posture('istio-system', {}),
      posture('kube-federation-system', {}),
      posture('kube-flannel', {}),
      posture('payments', { policyCount: 1, defaultDenyIngress: true, defaultDenyEgress: true }),
      posture('web', { policyCount: 1, allowAllIngress: true }),
    ]);
    expect(istio.installed).toBe(true);
    expect(istio.apiVersion).toBe('security.istio.io/v1');
    expect(istio.peerAuthentications).toEqual([
      { namespace: 'istio-system', name: 'default', mode: 'PERMISSIVE', hasSelector: false },
      { namespace: 'payments', name: 'strict', mode: 'STRICT', hasSelector: false },
      { namespace: 'web', name: 'legacy-port', mode: 'DISABLE', hasSelector: true },
    ]);
    expect(istio.mtls).toEqual([
      { namespace: 'argocd', mode: 'PERMISSIVE', source: 'mesh' },
      { namespace: 'istio-system', mode: 'PERMISSIVE', source: 'mesh' },
      { namespace: 'kube-federation-system', mode: 'PERMISSIVE', source: 'mesh' },
      { namespace: 'kube-flannel', mode: 'PERMISSIVE', source: 'mesh' },
      { namespace: 'payments', mode: 'STRICT', source: 'namespace' },
      { namespace: 'web', mode: 'PERMISSIVE', source: 'mesh' },
    ]);

    expect(snapshot.network).toEqual({
      nodes: [
        { name: 'node-1', podCIDRs: ['10.244.0.0/24', 'fd00:10:244::/64'] },
        { name: 'node-2', podCIDRs: ['10.244.1.0/24'] },
        { name: 'node-3', podCIDRs: [] },
      ],
      serviceCIDRs: [{ cidr: '10.96.0.0/16', source: 'servicecidr-api' }],
      podRanges: [
        { cidr: '10.244.0.0/16', source: 'kubeadm-config' },
        { cidr: '10.244.0.0/16', source: 'flannel', detail: 'backend vxlan' },
      ],
      ipPools: [
        {
          name: 'inter-cluster-pool',
          apiGroup: 'crd.projectcalico.org',
          cidr: '192.168.0.0/16',
          ipipMode: 'Always',
          vxlanMode: 'Never',
          natOutgoing: true,
          disabled: false,
          blockSize: 26,
        },
      ],
    });

    const { bundles, certManager, istioRootFingerprints } = snapshot.certificates;
    const apiTls = bundles.find((b) => b.name === 'api-tls')!;
    expect(apiTls).toMatchObject({ source: 'tls-secret', namespace: 'payments', key: 'tls.crt' });
    expect(apiTls.chain.map((c) => [c.subject, c.issuer, c.isCA, c.fingerprint256])).toEqual([
      ['CN=api.payments.example', 'CN=Corp Intermediate, O=Example', false, await fingerprint(certs.leaf.certPem)],
      [
        'CN=Corp Intermediate, O=Example',
        'CN=Corp Root, O=Example',
        true,
        await fingerprint(certs.intermediate.certPem),
      ],
    ]);
    expect(apiTls.chain[0]!.sans).toEqual(['DNS:api.payments.example']);
    expect(apiTls.chain[0]!.notAfter).toBe(new Date(NOW.toMillis() + 5 * day).toISOString());
    expect(bundles.filter((b) => b.name === 'web-tls').map((b) => b.key)).toEqual(['ca.crt', 'tls.crt']);
    expect(bundles.filter((b) => b.source === 'istio-root').map((b) => [b.namespace, b.name])).toEqual([
      ['istio-system', 'istio-ca-root-cert'],
    ]);
    expect(bundles.filter((b) => b.source === 'istio-ca').map((b) => [b.name, b.key, b.chain.length])).toEqual([
      ['cacerts', 'ca-cert.pem', 1],
      ['cacerts', 'cert-chain.pem', 2],
      ['cacerts', 'root-cert.pem', 1],
    ]);
    expect(bundles.filter((b) => b.source === 'apiserver').map((b) => [b.namespace, b.name, b.key])).toEqual([
      [null, 'kube-apiserver', 'serving-certificate'],
    ]);
    expect(istioRootFingerprints).toEqual([await fingerprint(certs.meshRoot.certPem)]);
    expect(certManager).toEqual([
      {
        namespace: 'payments',
        name: 'api',
        secretName: 'api-tls',
        dnsNames: ['api.payments.example'],
        issuerRef: { name: 'corp-issuer', kind: 'ClusterIssuer' },
        ready: false,
        readyReason: 'Failed',
        readyMessage: 'issuer not ready',
        notAfter: '2026-11-30T00:00:00.000Z',
        renewalTime: '2026-11-20T00:00:00.000Z',
      },
    ]);

    expect(snapshot.gitops).toEqual({
      installed: true,
      applications: [
        {
          namespace: 'argocd',
          name: 'ledger-api',
          project: 'payments',
          destination: { server: 'https://cluster-b.example:6443', name: null, namespace: 'payments' },
          syncStatus: 'OutOfSync',
          revision: '4f2a9c1',
          health: 'Degraded',
          operation: { phase: 'Failed', message: 'one or more objects failed to apply' },
          reconciledAt: '2026-11-25T08:55:00.000Z',
          automated: { enabled: true, prune: true, selfHeal: false },
          outOfSyncResources: [
            { group: 'apps', kind: 'Deployment', namespace: 'payments', name: 'ledger-api', status: 'OutOfSync' },
          ],
        },
      ],
      applicationSets: [
        {
          namespace: 'argocd',
          name: 'web-apps',
          conditions: [
            {
              type: 'ErrorOccurred',
              status: 'True',
              reason: 'ApplicationGenerationFromParamsError',
              message:
                'error generating params from git: https://[REDACTED:userinfo]@git.example/corp/tenants.git: authentication required (Authorization: Bearer [REDACTED:bearer])',
            },
            {
              type: 'ResourcesUpToDate',
              status: 'True',
              reason: 'ApplicationSetUpToDate',
              message: 'All applications have been generated successfully',
            },
          ],
        },
      ],
      clusters: [{ name: 'cluster-b', server: 'https://cluster-b.example:6443' }],
      // No argocd-cm in this cluster: Argo CD's defaults apply.
      controllers: [],
    });
    expect(snapshot.federation).toEqual({
      kubefedInstalled: true,
      kubefedClusters: [
        {
          namespace: 'kube-federation-system',
          name: 'cluster-b',
          apiEndpoint: 'https://cluster-b.example:6443',
          ready: 'False',
          offline: true,
          message: 'cluster is not reachable',
        },
      ],
      istioRemoteClusters: ['cluster-b'],
      istioRemotes: [
        {
          secret: 'istio-remote-secret-cluster-b',
          name: 'cluster-b',
          // The remote kubeconfig's server carries a password (see istioRemoteKubeconfig).
          server: 'https://[REDACTED:userinfo]@cluster-b.example:6443',
        },
      ],
    });
  });

  it('keeps no secret material: keys, tokens, passwords and Argo cluster config stay out of snapshots, logs and errors', async () => {
    // Prepare: the full cluster plus one where Secrets are forbidden (errors must not leak either)
    const { simulated, fleet } = await simulate([
      { name: 'secrets', objects: fullClusterObjects(certs) },
      { name: 'refusing', objects: fullClusterObjects(certs), config: { forbidden: ['secrets'] } },
    ]);
    const store = newStore();
    const logger = createMemoryLogger();

    // Act
    const result = await snapshotFleet(fleet, { store, now: NOW, logger });

    // Assess
    const snapshots = await snapshotsOf(
      store,
      result.clusters.map((c) => c.written!.key),
    );
    const everything = [
      ...[...snapshots.values()].map((s) => JSON.stringify(s)),
      ...logger.lines,
      ...result.clusters.flatMap((c) => c.problems),
    ].join('\n');
    for (const marker of [...Object.values(SECRET_MARKERS), ...simulated.clusters.map((c) => c.token)]) {
      expect(everything).not.toContain(marker);
      expect(everything).not.toContain(Buffer.from(marker).toString('base64'));
    }
    expect(snapshots.get('secrets')?.gitops.clusters).toEqual([
      { name: 'cluster-b', server: 'https://cluster-b.example:6443' },
    ]);
    expect(snapshots.get('refusing')?.meta.sections.tlsSecrets.state).toBe('forbidden');
  });

  it('records a forbidden resource as a forbidden section (partial when other sources of it were read), collects the rest and marks the cluster partial', async () => {
    const { fleet } = await simulate([
      {
        name: 'rbac',
        objects: fullClusterObjects(certs),
        config: { forbidden: ['secrets', 'applications.argoproj.io'] },
      },
    ]);
    const store = newStore();

    const result = await snapshotFleet(fleet, { store, now: NOW, logger: createMemoryLogger() });

    const snapshot = (await snapshotsOf(store, [result.clusters[0]!.written!.key])).get('rbac')!;
    expect(snapshot.meta.status).toBe('partial');
    const notOk = Object.fromEntries(
      Object.entries(snapshot.meta.sections)
        .filter(([, s]) => s.state !== 'ok')
        .map(([n, s]) => [n, s.state]),
    );
    expect(notOk).toEqual({
      tlsSecrets: 'forbidden',
      // The istio-ca-root-cert ConfigMaps were read: only the CA Secrets are missing.
      istioCa: 'partial',
      argocdApplications: 'forbidden',
      argocdClusters: 'forbidden',
      istioRemoteSecrets: 'forbidden',
    });
    expect(snapshot.meta.sections.tlsSecrets.message).toMatch(/^GET \/api\/v1\/secrets: HTTP 403/);
    expect(snapshot.quotas.resourceQuotas).toHaveLength(2);
    expect(snapshot.gitops.applicationSets).toHaveLength(1);
    expect(result.counts).toEqual({ ok: 0, partial: 1, unreachable: 0 });
  });

  it('stores an unreachable snapshot for a cluster that does not answer, within the timeout, and the others are fine', async () => {
    const { fleet } = await simulate([
      { name: 'healthy', objects: [namespace('payments')] },
      { name: 'gone', objects: [namespace('payments')], config: { faults: { unreachable: true } } },
    ]);
    const store = newStore();
    const quick: Fleet = { ...fleet, defaults: { ...fleet.defaults, requestTimeoutSeconds: 2 } };
    const started = Date.now();

    const result = await snapshotFleet(quick, { store, now: NOW, logger: createMemoryLogger() });

    expect(Date.now() - started).toBeLessThan(6000);
    const snapshots = await snapshotsOf(
      store,
      result.clusters.map((c) => c.written!.key),
    );
    expect(snapshots.get('healthy')?.meta.status).toBe('ok');
    const gone = snapshots.get('gone')!;
    expect(gone.meta.status).toBe('unreachable');
    expect(gone.meta.unreachableReason).toMatch(/^GET \/version: /);
    expect(Object.values(gone.meta.sections).every((s) => s.state === 'unreachable')).toBe(true);
    expect(result.counts).toEqual({ ok: 1, partial: 0, unreachable: 1 });
  });

  it('retries 429 and 500 answers and still collects everything', async () => {
    const objects = fullClusterObjects(certs);
    const { fleet } = await simulate([
      { name: 'calm', objects },
      { name: 'flaky', objects, config: { faults: { tooManyRequestsEvery: 4, serverErrorEvery: 7 } } },
    ]);
    const store = newStore();

    // The faults count every request the server gets, from every concurrent reader: a request can
    // be refused several times in a row, each 429 asking for a second's wait. Enough attempts and
    // time that only a retry policy that does not retry fails here, however loaded the machine.
    const result = await snapshotFleet(
      { ...fleet, defaults: { ...fleet.defaults, requestTimeoutSeconds: 60 } },
      {
        store,
        now: NOW,
        logger: createMemoryLogger(),
        retryPolicy: { maxAttempts: 12, baseDelayMs: 20, maxDelayMs: 200 },
      },
    );

    const snapshots = await snapshotsOf(
      store,
      result.clusters.map((c) => c.written!.key),
    );
    const calm = snapshots.get('calm')!;
    const flaky = snapshots.get('flaky')!;
    expect(Object.entries(flaky.meta.sections).filter(([, s]) => s.state !== 'ok' && s.state !== 'absent')).toEqual([]);
    expect(flaky.meta.status).toBe('ok');
    const content = (s: Snapshot) => ({
      ...s,
      meta: undefined,
      certificates: { ...s.certificates, bundles: s.certificates.bundles.filter((b) => b.source !== 'apiserver') },
    });
    expect(content(flaky)).toEqual(content(calm));
  });

  it('pages through thousands of Secrets with a small page size, keeping only certificate metadata', async () => {
    const pem = `${certs.leaf.certPem}${certs.intermediate.certPem}`;
    const secrets = Array.from({ length: 3000 }, (_, i) =>
      tlsSecret(`ns-${i % 10}`, `tls-${String(i).padStart(4, '0')}`, pem),
    );
    const { fleet } = await simulate([
      {
        name: 'big',
        objects: [...Array.from({ length: 10 }, (_, i) => namespace(`ns-${i}`)), ...secrets, ...opaqueSecrets()],
      },
    ]);
    const store = newStore();

    const result = await snapshotFleet(fleet, { store, now: NOW, logger: createMemoryLogger(), pageSize: 100 });

    const snapshot = (await snapshotsOf(store, [result.clusters[0]!.written!.key])).get('big')!;
    const tls = snapshot.certificates.bundles.filter((b) => b.source === 'tls-secret');
    expect(tls).toHaveLength(3000);
    expect(new Set(tls.map((b) => `${b.namespace}/${b.name}`)).size).toBe(3000);
    expect(tls.every((b) => b.chain.length === 2)).toBe(true);
    expect(snapshot.meta.objectsRead).toBeGreaterThanOrEqual(3010);
  });

  it('reads Calico IPPools from either API group', async () => {
    const pool = (apiVersion: string, name: string, cidr: string) => ({
      apiVersion,
      kind: 'IPPool',
      metadata: { name },
      spec: { cidr, vxlanMode: 'CrossSubnet', ipipMode: 'Never' },
    });
    const { fleet } = await simulate([
      { name: 'calico-crd', objects: [pool('crd.projectcalico.org/v1', 'default-ipv4-ippool', '10.10.0.0/16')] },
      { name: 'calico-api', objects: [pool('projectcalico.org/v3', 'default-ipv4-ippool', '10.20.0.0/16')] },
      { name: 'no-calico', objects: [] },
    ]);
    const store = newStore();

    const result = await snapshotFleet(fleet, { store, now: NOW, logger: createMemoryLogger() });

    const snapshots = await snapshotsOf(
      store,
      result.clusters.map((c) => c.written!.key),
    );
    const pools = (name: string) =>
      snapshots.get(name)?.network.ipPools.map((p) => [p.apiGroup, p.cidr, p.vxlanMode, p.natOutgoing, p.blockSize]);
    expect(pools('calico-crd')).toEqual([['crd.projectcalico.org', '10.10.0.0/16', 'CrossSubnet', false, null]]);
    expect(pools('calico-api')).toEqual([['projectcalico.org', '10.20.0.0/16', 'CrossSubnet', false, null]]);
    expect(snapshots.get('no-calico')?.meta.sections.ipPools.state).toBe('absent');
  });

  it('falls back to Gatekeeper v1beta1 templates and Istio v1beta1 PeerAuthentications', async () => {
    const objects = [
      namespace('payments'),
      namespace('istio-system'),
      crd('templates.gatekeeper.sh', ['v1beta1'], 'ConstraintTemplate', 'constrainttemplates', 'Cluster'),
      crd('constraints.gatekeeper.sh', ['v1alpha1'], 'K8sAllowedRepos', 'k8sallowedrepos', 'Cluster'),
      crd('security.istio.io', ['v1beta1'], 'PeerAuthentication', 'peerauthentications', 'Namespaced'),
      {
        apiVersion: 'templates.gatekeeper.sh/v1beta1',
        kind: 'ConstraintTemplate',
        metadata: { name: 'k8sallowedrepos' },
        spec: { crd: { spec: { names: { kind: 'K8sAllowedRepos' } } } },
      },
      {
        apiVersion: 'constraints.gatekeeper.sh/v1alpha1',
        kind: 'K8sAllowedRepos',
        metadata: { name: 'corp-registry' },
        spec: { enforcementAction: 'warn' },
        status: { totalViolations: 0 },
      },
      {
        apiVersion: 'security.istio.io/v1beta1',
        kind: 'PeerAuthentication',
        metadata: { namespace: 'istio-system', name: 'default' },
        spec: { mtls: { mode: 'STRICT' } },
      },
    ];
    const { fleet } = await simulate([{ name: 'older', objects }]);
    const store = newStore();

    const result = await snapshotFleet(fleet, { store, now: NOW, logger: createMemoryLogger() });

    const snapshot = (await snapshotsOf(store, [result.clusters[0]!.written!.key])).get('older')!;
    expect(snapshot.policies.gatekeeper.apiVersion).toBe('templates.gatekeeper.sh/v1beta1');
    expect(snapshot.policies.gatekeeper.templates).toEqual([
      { name: 'k8sallowedrepos', kind: 'K8sAllowedRepos', errors: [] },
    ]);
    expect(snapshot.policies.gatekeeper.constraints).toEqual([
      {
        kind: 'K8sAllowedRepos',
        name: 'corp-registry',
        enforcementAction: 'warn',
        totalViolations: 0,
        violations: [],
        auditTimestamp: null,
      },
    ]);
    expect(snapshot.policies.istio.apiVersion).toBe('security.istio.io/v1beta1');
    expect(snapshot.policies.istio.mtls).toEqual([
      { namespace: 'istio-system', mode: 'STRICT', source: 'mesh' },
      { namespace: 'payments', mode: 'STRICT', source: 'mesh' },
    ]);
    expect(snapshot.meta.sections.certManager.state).toBe('absent');
    expect(snapshot.meta.sections.kubefed.state).toBe('absent');
    expect(snapshot.meta.status).toBe('ok');
  });

  it('still writes the manifest of what was stored when an unexpected error escapes one cluster, then throws it', async () => {
    const { fleet } = await simulate([
      { name: 'broken', objects: [namespace('payments')] },
      { name: 'fine', objects: [namespace('web')] },
    ]);
    const store = newStore();
    const bug = new Error('programmer error in an access override');

    const run = snapshotFleet(fleet, {
      store,
      now: NOW,
      logger: createMemoryLogger(),
      accessFor: (cluster) => {
        if (cluster === 'broken') throw bug;
        return undefined;
      },
    });

    await expect(run).rejects.toBe(bug);
    const { manifests } = await readManifests(store);
    // Besides the snapshots, a run's manifest records the heads index it left (index/heads/).
    const snapshotsOf = (m: (typeof manifests)[number]) =>
      m.manifest.objects.filter((o) => o.key.startsWith('snapshots/'));
    expect(manifests.map((m) => snapshotsOf(m).map((o) => o.key.split('/')[1]))).toEqual([['cluster=fine']]);
    expect((await verifyLedger(store)).problems).toEqual([]);
  });

  it('reads Service ranges from the v1beta1 ServiceCIDR API of 1.32 and falls back without the API before 1.31', async () => {
    const kubernetesService = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: 'default', name: 'kubernetes' },
      spec: { clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1'] },
    };
    const { fleet } = await simulate([
      {
        name: 'beta',
        objects: [
          {
            apiVersion: 'networking.k8s.io/v1beta1',
            kind: 'ServiceCIDR',
            metadata: { name: 'kubernetes' },
            spec: { cidrs: ['10.97.0.0/16'] },
          },
          kubernetesService,
        ],
        config: { kubernetesVersion: 'v1.32.7' },
      },
      { name: 'older', objects: [kubernetesService], config: { kubernetesVersion: 'v1.30.9' } },
    ]);
    const store = newStore();

    const result = await snapshotFleet(fleet, { store, now: NOW, logger: createMemoryLogger() });

    const snapshots = await snapshotsOf(
      store,
      result.clusters.map((c) => c.written!.key),
    );
    expect(snapshots.get('beta')?.network.serviceCIDRs).toEqual([{ cidr: '10.97.0.0/16', source: 'servicecidr-api' }]);
    expect(snapshots.get('older')?.network.serviceCIDRs).toEqual([
      { cidr: '10.0.0.1/32', source: 'kubernetes-service' },
    ]);
    expect(result.counts).toEqual({ ok: 2, partial: 0, unreachable: 0 });
  });

  it('collects one cluster without storing it', async () => {
    const { fleet } = await simulate([{ name: 'lambda', objects: [namespace('payments')] }]);

    const snapshot = await collectClusterSnapshot(fleet.clusters[0]!, {
      clock: () => NOW,
      logger: createMemoryLogger(),
      requestTimeoutMs: 5000,
      excludeNamespaces: ['kube-system'],
    });

    expect(snapshot.meta.collectionStart).toBe('2026-11-25T09:00:00.000Z');
    expect(snapshot.namespaces.map((n) => n.name)).toContain('payments');
  });
  it('keeps the healthy cluster and the readable sections when a cluster serves a fractional blockSize and totalViolations', async () => {
    // Prepare
    const hostile = fullClusterObjects(certs).map((object) => {
      const spec = object['spec'] as Record<string, unknown> | undefined;
      const status = object['status'] as Record<string, unknown> | undefined;
      if (object['kind'] === 'IPPool') return { ...object, spec: { ...spec, blockSize: 26.5 } };
      if (status?.['totalViolations'] === 42) return { ...object, status: { ...status, totalViolations: 2.5 } };
      return object;
    });
    const { fleet } = await simulate([
      { name: 'evil', objects: hostile },
      { name: 'good', objects: fullClusterObjects(certs) },
    ]);
    const store = newStore();

    // Act
    const result = await snapshotFleet(fleet, { store, now: NOW, logger: createMemoryLogger() });

    // Assess
    expect(result.notStored).toBe(0);
    expect(result.counts).toEqual({ ok: 2, partial: 0, unreachable: 0 });
    const snapshots = await snapshotsOf(
      store,
      result.clusters.map((c) => c.written!.key),
    );
    const evil = snapshots.get('evil')!;
    expect(evil.network.ipPools.map((p) => [p.name, p.blockSize])).toEqual([['inter-cluster-pool', null]]);
    expect(evil.policies.gatekeeper.constraints.map((c) => [c.name, c.totalViolations]).sort()).toEqual([
      ['deny-host-path', null],
      ['must-have-owner', null],
    ]);
    expect(snapshots.get('good')!.network.ipPools.map((p) => p.blockSize)).toEqual([26]);
  });

  it('records a snapshot the ledger refuses on its cluster, stores the others and writes a manifest of exactly what was stored', async () => {
    // Prepare: another run stores a different snapshot under the key of cluster "taken" just before this run does
    const { fleet } = await simulate([
      { name: 'taken', objects: [namespace('payments')] },
      { name: 'free', objects: [namespace('web')] },
    ]);
    class RacedStore extends DirectoryLedgerStore {
      racedKey: string | null = null;
      override async put(key: string, body: Uint8Array, options: PutOptions): Promise<PutResult> {
        if (this.racedKey === null && key.startsWith('snapshots/cluster=taken/')) {
          this.racedKey = key;
          const other = Snapshot.parse(parseJsonObject(key, gunzipObject(key, body)));
          const written = await writeSnapshot(this, { ...other, meta: { ...other.meta, labels: { run: 'other' } } });
          await recordRun(this, { runAt: NOW, written: [written], kind: 'snapshot' });
        }
        return super.put(key, body, options);
      }
    }
    const store = new RacedStore(mkdtempSync(join(tmpdir(), 'ledger-')));

    // Act
    const result = await snapshotFleet(fleet, { store, now: NOW, logger: createMemoryLogger() });

    // Assess
    const taken = result.clusters.find((c) => c.cluster === 'taken')!;
    const free = result.clusters.find((c) => c.cluster === 'free')!;
    expect(result.notStored).toBe(1);
    expect(taken.written).toBeNull();
    expect(taken.notStoredReason).toBe(
      `${store.location}: a different snapshot of taken collected at ${store.racedKey!.slice(-32, -8).replace(/T(\d\d)-(\d\d)-/, 'T$1:$2:')} is already stored (${store.racedKey}); run again with another --now`,
    );
    expect(free.written?.key).toMatch(/^snapshots\/cluster=free\//);
    const { manifests } = await readManifests(store);
    const ours = manifests.find((m) => m.key === result.manifest!.key)!;
    expect(ours.manifest.objects.map((o) => o.key).filter((key) => !key.startsWith('index/heads/'))).toEqual([
      free.written!.key,
    ]);
    expect((await readSnapshot(store, store.racedKey!)).meta.labels).toEqual({ run: 'other' });
    const verified = await verifyLedger(store);
    expect(verified.problems).toEqual([]);
    expect(verified.ok).toBe(true);
  });
});
