/**
 * Integration: per-source collection with the real @kubernetes/client-node over HTTPS against
 * simulated API servers that refuse some resources (`forbidden:` answers 403 for list and get).
 * A source that cannot be read is recorded with its request and the first line of the error; what
 * the other sources of the section gave is kept, and the section is `partial`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { DateTime } from 'luxon';
import { KubeReader } from '../../src/collect/kube.js';
import { snapshotFleet } from '../../src/collect/snapshotFleet.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { type Fleet, fleetFromKubeconfig } from '../../src/fleet/fleetFile.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { readSnapshot } from '../../src/ledger/snapshots.js';
import type { IssuedCertificate } from '../../src/simulator/certificates.js';
import type { RunningFleet, SimulatedClusterDefinition } from '../../src/simulator/fleet.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { crd, fullClusterObjects, namespace } from './fixtures.js';

let createCertificate: (
  options: Parameters<typeof import('../../src/simulator/certificates.js').createCertificate>[0],
) => Promise<IssuedCertificate>;
let startSimulatedFleet: (clusters: SimulatedClusterDefinition[], options?: { now?: Date }) => Promise<RunningFleet>;

const NOW = DateTime.fromISO('2026-11-25T09:00:00Z', { zone: 'utc' });
const day = 24 * 3600 * 1000;
const running: RunningFleet[] = [];
let certs: Parameters<typeof fullClusterObjects>[0];

beforeAll(async () => {
  ({ createCertificate } = await import('../../src/simulator/certificates.js'));
  ({ startSimulatedFleet } = await import('../../src/simulator/fleet.js'));
  const validity = { notBefore: new Date(NOW.toMillis() - 30 * day), notAfter: new Date(NOW.toMillis() + 365 * day) };
  const root = await createCertificate({ subject: 'CN=Corp Root', isCA: true, ...validity });
  const intermediate = await createCertificate({
    subject: 'CN=Corp Intermediate',
    isCA: true,
    issuer: root,
    ...validity,
  });
  const leaf = await createCertificate({ subject: 'CN=api.payments.example', issuer: intermediate, ...validity });
  const meshRoot = await createCertificate({ subject: 'CN=Mesh Root', isCA: true, ...validity });
  const meshIntermediate = await createCertificate({
    subject: 'CN=Mesh Intermediate',
    isCA: true,
    issuer: meshRoot,
    ...validity,
  });
  certs = { leaf, intermediate, meshRoot, meshIntermediate };
});

afterAll(async () => {
  await Promise.all(running.map((fleet) => fleet.stop()));
});

interface Collected {
  snapshots: Map<string, Snapshot>;
  simulated: RunningFleet;
}

async function collect(clusters: SimulatedClusterDefinition[], readSecrets?: boolean): Promise<Collected> {
  const simulated = await startSimulatedFleet(clusters, { now: NOW.toJSDate() });
  running.push(simulated);
  const base = fleetFromKubeconfig(simulated.kubeconfigPath);
  const fleet: Fleet = {
    ...base,
    defaults: {
      ...base.defaults,
      requestTimeoutSeconds: 5,
      ...(readSecrets === undefined ? {} : { readSecrets }),
    },
  };
  const store = new DirectoryLedgerStore(mkdtempSync(join(tmpdir(), 'ledger-')));
  const result = await snapshotFleet(fleet, { store, now: NOW, logger: createMemoryLogger() });
  const snapshots = new Map<string, Snapshot>();
  for (const cluster of result.clusters) {
    const snapshot = await readSnapshot(store, cluster.written!.key);
    snapshots.set(snapshot.meta.cluster, snapshot);
  }
  return { snapshots, simulated };
}

const fingerprint = async (pem: string) => new (await import('node:crypto')).X509Certificate(pem).fingerprint256;
const hex = (colonSeparated: string) => colonSeparated.replaceAll(':', '').toLowerCase();
const forbiddenMessage = (path: string) => expect.stringMatching(new RegExp(`^GET ${path}: HTTP 403: `));

describe('collecting a section source by source', () => {
  it('keeps the Istio roots of the ConfigMaps when the CA Secrets are forbidden, recording each Secret as forbidden with its request', async () => {
    // Prepare
    const clusters = [{ name: 'no-secrets', objects: fullClusterObjects(certs), config: { forbidden: ['secrets'] } }];

    // Act
    const { snapshots } = await collect(clusters);

    // Assess
    const snapshot = snapshots.get('no-secrets')!;
    expect(snapshot.meta.status).toBe('partial');
    expect(snapshot.meta.sections.istioCa).toEqual({
      state: 'partial',
      message: 'not read: Secret istio-system/cacerts (forbidden), Secret istio-system/istio-ca-secret (forbidden)',
      sources: [
        {
          source: 'ConfigMaps istio-ca-root-cert (every namespace)',
          request: 'GET /api/v1/configmaps?fieldSelector=metadata.name=istio-ca-root-cert',
          state: 'ok',
        },
        {
          source: 'Secret istio-system/cacerts',
          request: 'GET /api/v1/namespaces/istio-system/secrets/cacerts',
          state: 'forbidden',
          message:
            'GET /api/v1/namespaces/istio-system/secrets/cacerts: HTTP 403: secrets "cacerts" is forbidden: User "system:serviceaccount:fleetledger:fleetledger-reader" cannot get resource "secrets" in API group "" in the namespace "istio-system"',
        },
        {
          source: 'Secret istio-system/istio-ca-secret',
          request: 'GET /api/v1/namespaces/istio-system/secrets/istio-ca-secret',
          state: 'forbidden',
          message: forbiddenMessage('/api/v1/namespaces/istio-system/secrets/istio-ca-secret'),
        },
      ],
    });
    expect(snapshot.certificates.istioRootFingerprints).toEqual([hex(await fingerprint(certs.meshRoot.certPem))]);
    expect(
      snapshot.certificates.bundles
        .filter((b) => b.source === 'istio-root' || b.source === 'istio-ca')
        .map((b) => [b.source, b.namespace, b.name]),
    ).toEqual([['istio-root', 'istio-system', 'istio-ca-root-cert']]);
    expect(snapshot.meta.sections.tlsSecrets).toEqual({
      state: 'forbidden',
      message: expect.stringMatching(/^GET \/api\/v1\/secrets: HTTP 403: /),
      sources: [
        {
          source: 'TLS Secrets',
          request: 'GET /api/v1/secrets?fieldSelector=type=kubernetes.io/tls',
          state: 'forbidden',
          message: forbiddenMessage('/api/v1/secrets'),
        },
      ],
    });
    // cert-manager is not a Secret: its Certificates (with status.notAfter) are all there.
    expect(snapshot.meta.sections.certManager.state).toBe('ok');
    expect(snapshot.certificates.certManager.map((c) => [c.name, c.secretName, c.notAfter])).toEqual([
      ['api', 'api-tls', '2026-11-30T00:00:00.000Z'],
    ]);
  });

  it('keeps the templates and the readable constraint kinds when one kind is forbidden', async () => {
    // Prepare
    const clusters = [
      {
        name: 'gatekeeper',
        objects: fullClusterObjects(certs),
        config: { forbidden: ['k8sdisallowhostpath.constraints.gatekeeper.sh'] },
      },
    ];

    // Act
    const { snapshots } = await collect(clusters);

    // Assess
    const snapshot = snapshots.get('gatekeeper')!;
    const status = snapshot.meta.sections.gatekeeper;
    expect(status.state).toBe('partial');
    expect(status.message).toBe('not read: K8sDisallowHostPath constraints (forbidden)');
    expect(status.sources?.map((s) => [s.source, s.request, s.state])).toEqual([
      ['ConstraintTemplates', 'GET /apis/templates.gatekeeper.sh/v1/constrainttemplates', 'ok'],
      ['Gatekeeper constraint kinds', 'GET /apis/constraints.gatekeeper.sh/v1 (then v1beta1, v1alpha1)', 'ok'],
      [
        'K8sDisallowHostPath constraints',
        'GET /apis/constraints.gatekeeper.sh/v1beta1/k8sdisallowhostpath',
        'forbidden',
      ],
      ['K8sRequiredLabels constraints', 'GET /apis/constraints.gatekeeper.sh/v1beta1/k8srequiredlabels', 'ok'],
      [
        'ValidatingWebhookConfigurations',
        'GET /apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
        'ok',
      ],
      [
        'Deployment gatekeeper-system/gatekeeper-audit',
        'GET /apis/apps/v1/namespaces/gatekeeper-system/deployments/gatekeeper-audit',
        'absent',
      ],
      [
        'Gatekeeper Config gatekeeper-system/config',
        'GET /apis/config.gatekeeper.sh/v1alpha1/namespaces/gatekeeper-system/configs/config',
        'absent',
      ],
    ]);
    expect(snapshot.policies.gatekeeper.templates.map((t) => t.name)).toEqual(['k8srequiredlabels']);
    expect(snapshot.policies.gatekeeper.constraints.map((c) => `${c.kind}/${c.name}`)).toEqual([
      'K8sRequiredLabels/must-have-owner',
    ]);
    expect(snapshot.meta.status).toBe('partial');
  });

  it('keeps the Kyverno policies when the policy reports are forbidden', async () => {
    const { snapshots } = await collect([
      { name: 'kyverno', objects: fullClusterObjects(certs), config: { forbidden: ['policyreports.wgpolicyk8s.io'] } },
    ]);

    const snapshot = snapshots.get('kyverno')!;
    expect(snapshot.meta.sections.kyverno.state).toBe('partial');
    expect(snapshot.meta.sections.kyverno.message).toBe('not read: PolicyReports (wgpolicyk8s.io) (forbidden)');
    expect(snapshot.policies.kyverno.installed).toBe(true);
    expect(snapshot.policies.kyverno.policies.map((p) => p.name)).toEqual(['require-requests']);
    expect(snapshot.policies.kyverno.reports).toEqual([]);
  });

  it('keeps the postures of the namespaces that have policies when the Namespace list is forbidden', async () => {
    const { snapshots } = await collect([
      { name: 'no-namespaces', objects: fullClusterObjects(certs), config: { forbidden: ['namespaces'] } },
    ]);

    const { meta, policies } = snapshots.get('no-namespaces')!;
    expect(meta.sections.namespaces.state).toBe('forbidden');
    expect(meta.sections.networkPolicies.state).toBe('partial');
    expect(meta.sections.networkPolicies.sources?.map((s) => [s.source, s.state])).toEqual([
      ['NetworkPolicies', 'ok'],
      ['Namespaces', 'forbidden'],
    ]);
    expect(policies.networkPolicies.map((p) => [p.namespace, p.policyCount])).toEqual([
      ['payments', 1],
      ['web', 1],
    ]);
    expect(meta.sections.istio.state).toBe('partial');
    expect(policies.istio.mtls.map((m) => [m.namespace, m.mode])).toEqual([
      ['istio-system', 'PERMISSIVE'],
      ['payments', 'STRICT'],
      ['web', 'PERMISSIVE'],
    ]);
  });

  it('fails the network postures as a whole when the NetworkPolicy list is forbidden, rather than show every namespace without policies', async () => {
    const { snapshots } = await collect([
      {
        name: 'no-netpol',
        objects: fullClusterObjects(certs),
        config: { forbidden: ['networkpolicies.networking.k8s.io'] },
      },
    ]);

    const { meta, policies } = snapshots.get('no-netpol')!;
    expect(meta.sections.networkPolicies).toEqual({
      state: 'forbidden',
      message: expect.stringMatching(/^GET \/apis\/networking.k8s.io\/v1\/networkpolicies: HTTP 403: /),
      sources: [
        {
          source: 'NetworkPolicies',
          request: 'GET /apis/networking.k8s.io/v1/networkpolicies',
          state: 'forbidden',
          message: forbiddenMessage('/apis/networking.k8s.io/v1/networkpolicies'),
        },
      ],
    });
    expect(policies.networkPolicies).toEqual([]);
  });

  it('keeps the IP pools of the CRDs when the aggregated Calico API is forbidden', async () => {
    const pool = (apiVersion: string, name: string, cidr: string) => ({
      apiVersion,
      kind: 'IPPool',
      metadata: { name },
      spec: { cidr },
    });
    const { snapshots } = await collect([
      {
        name: 'calico',
        objects: [
          pool('projectcalico.org/v3', 'aggregated-pool', '10.20.0.0/16'),
          pool('crd.projectcalico.org/v1', 'crd-pool', '10.10.0.0/16'),
        ],
        config: { forbidden: ['ippools.projectcalico.org'] },
      },
    ]);

    const { meta, network } = snapshots.get('calico')!;
    expect(meta.sections.ipPools.state).toBe('partial');
    expect(meta.sections.ipPools.sources?.map((s) => [s.source, s.request, s.state])).toEqual([
      ['IPPools (projectcalico.org)', 'GET /apis/projectcalico.org/v3/ippools', 'forbidden'],
      ['IPPools (crd.projectcalico.org)', 'GET /apis/crd.projectcalico.org/v1/ippools', 'ok'],
    ]);
    expect(network.ipPools.map((p) => [p.name, p.cidr])).toEqual([['crd-pool', '10.10.0.0/16']]);
  });

  it('reads Pod and Service ranges from the control plane flags when the ConfigMaps are forbidden, and says the ConfigMaps were not read', async () => {
    const staticPod = (component: string, flag: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace: 'kube-system', name: `${component}-cp-1`, labels: { component } },
      spec: { containers: [{ name: component, command: [component, flag] }] },
    });
    const { snapshots } = await collect([
      {
        name: 'flags',
        objects: [
          staticPod('kube-apiserver', '--service-cluster-ip-range=10.96.0.0/12'),
          staticPod('kube-controller-manager', '--cluster-cidr=10.244.0.0/16'),
        ],
        // No ServiceCIDR API before 1.31: the kubeadm ConfigMap would be the next source.
        config: { kubernetesVersion: 'v1.30.4', forbidden: ['configmaps'] },
      },
    ]);

    const { meta, network } = snapshots.get('flags')!;
    expect(network.serviceCIDRs).toEqual([{ cidr: '10.96.0.0/12', source: 'apiserver-flag' }]);
    expect(meta.sections.serviceCidrs.state).toBe('partial');
    expect(meta.sections.serviceCidrs.sources?.map((s) => [s.source, s.state])).toEqual([
      ['ServiceCIDRs', 'absent'],
      ['ConfigMap kube-system/kubeadm-config', 'forbidden'],
      ['kube-apiserver flag --service-cluster-ip-range', 'ok'],
    ]);
    expect(network.podRanges).toEqual([{ cidr: '10.244.0.0/16', source: 'controller-manager-flag' }]);
    expect(meta.sections.cniConfig).toMatchObject({
      state: 'partial',
      message:
        'not read: ConfigMap kube-system/kubeadm-config (forbidden), ConfigMap kube-flannel/kube-flannel-cfg (forbidden), ConfigMap kube-system/kube-flannel-cfg (forbidden), ConfigMap kube-system/cilium-config (forbidden)',
    });
  });

  it('does not count a refused static pod list against the section when another source gave the ranges', async () => {
    const { snapshots } = await collect([
      {
        name: 'managed',
        objects: [
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { namespace: 'default', name: 'kubernetes' },
            spec: { clusterIP: '172.20.0.1' },
          },
        ],
        config: { kubernetesVersion: 'v1.30.4', forbidden: ['pods'] },
      },
    ]);

    const { meta, network } = snapshots.get('managed')!;
    expect(network.serviceCIDRs).toEqual([{ cidr: '172.20.0.1/32', source: 'kubernetes-service' }]);
    expect(meta.sections.serviceCidrs.state).toBe('ok');
    expect(meta.sections.serviceCidrs.sources?.map((s) => [s.source, s.state])).toEqual([
      ['ServiceCIDRs', 'absent'],
      ['ConfigMap kube-system/kubeadm-config', 'absent'],
      ['kube-apiserver flag --service-cluster-ip-range', 'forbidden'],
      ['Service default/kubernetes', 'ok'],
    ]);
    expect(meta.sections.cniConfig.state).toBe('ok');
    expect(meta.status).toBe('ok');
  });

  it('reads no Secret at all when Secret reads are off: those sources are skipped and the cluster stays ok', async () => {
    // Prepare
    const clusters = [{ name: 'secretless', objects: fullClusterObjects(certs) }];

    // Act
    const { snapshots, simulated } = await collect(clusters, false);

    // Assess
    const requests = simulated.clusters[0]!.requestLog;
    expect(requests.some((request) => request.includes('/api/v1/configmaps'))).toBe(true);
    expect(requests.filter((request) => /\/secrets(\/|\?|$)/.test(request))).toEqual([]);
    const { meta, certificates, gitops, federation } = snapshots.get('secretless')!;
    expect(meta.status).toBe('ok');
    const skipped = 'not read: Secret reads are off (fleet file defaults.readSecrets: false, or --no-read-secrets)';
    expect(meta.sections.tlsSecrets).toEqual({
      state: 'skipped',
      message: skipped,
      sources: [
        {
          source: 'TLS Secrets',
          request: 'GET /api/v1/secrets?fieldSelector=type=kubernetes.io/tls',
          state: 'skipped',
          message: skipped,
        },
      ],
    });
    expect(meta.sections.istioCa.state).toBe('partial');
    expect(meta.sections.istioCa.sources?.map((s) => [s.source, s.state])).toEqual([
      ['ConfigMaps istio-ca-root-cert (every namespace)', 'ok'],
      ['Secret istio-system/cacerts', 'skipped'],
      ['Secret istio-system/istio-ca-secret', 'skipped'],
    ]);
    expect(meta.sections.argocdClusters.state).toBe('skipped');
    expect(meta.sections.istioRemoteSecrets.state).toBe('skipped');
    expect(certificates.istioRootFingerprints).toEqual([hex(await fingerprint(certs.meshRoot.certPem))]);
    expect(certificates.bundles.filter((b) => b.source === 'tls-secret')).toEqual([]);
    expect(gitops.clusters).toEqual([]);
    expect(federation.istioRemoteClusters).toEqual([]);
    expect(
      Object.entries(meta.sections)
        .filter(([, s]) => s.state !== 'ok')
        .map(([name, s]) => [name, s.state]),
    ).toEqual([
      ['tlsSecrets', 'skipped'],
      ['istioCa', 'partial'],
      ['argocdClusters', 'skipped'],
      ['istioRemoteSecrets', 'skipped'],
    ]);
  });

  it('reads no Argo CD cluster Secret where Argo CD is not installed', async () => {
    const { snapshots, simulated } = await collect([
      {
        name: 'plain',
        objects: [namespace('web'), crd('cert-manager.io', ['v1'], 'Certificate', 'certificates', 'Namespaced')],
      },
    ]);

    expect(snapshots.get('plain')!.meta.sections.argocdClusters).toEqual({ state: 'absent' });
    expect(simulated.clusters[0]!.requestLog.filter((r) => r.includes('argocd.argoproj.io'))).toEqual([]);
  });

  it('refuses, before it leaves, any request for a Secret a collector might make while Secret reads are off', async () => {
    // Prepare
    const simulated = await startSimulatedFleet([{ name: 'guarded', objects: [namespace('web')] }], {
      now: NOW.toJSDate(),
    });
    running.push(simulated);
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(simulated.kubeconfigPath);
    const reader = new KubeReader(kubeConfig, { requestTimeoutMs: 5000, readSecrets: false });

    // Act
    const attempts = [
      reader.listAll('/api/v1/secrets'),
      reader.getJson('/api/v1/namespaces/istio-system/secrets/cacerts'),
      reader.listAll('/api/v1/namespaces/web/secrets', { labelSelector: 'a=b' }),
    ];

    // Assess
    for (const attempt of attempts)
      await expect(attempt).rejects.toThrow(/^GET \/api\/v1\/.*secrets.* refused: Secret reads are off$/);
    await expect(reader.listAll('/api/v1/namespaces')).resolves.toHaveLength(1);
    expect(simulated.clusters[0]!.requestLog.map((r) => r.split('?')[0])).toEqual(['GET /api/v1/namespaces']);
    await reader.close();
  });
});
