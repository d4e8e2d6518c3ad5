/**
 * The workloads of `npm run bench`, generated from the demo fleet (examples/fleet) so every kind the
 * collectors read has its CRDs and realistic neighbours. Deterministic: names and counts only depend
 * on the scale; certificates are real (the simulator issues them from the cluster's authorities).
 */
import { fileURLToPath } from 'node:url';
import { loadFleetDirectory, type SimulatedClusterDefinition } from '../src/simulator/fleet.js';

const EXAMPLES = fileURLToPath(new URL('../examples/fleet', import.meta.url));
type K8sObject = Record<string, unknown> & { apiVersion?: string; kind?: string; metadata?: Record<string, unknown> };

/** The large cluster at scale 1: 2,000 namespaces, 1,000 nodes, 20,000 Secrets (2,000 TLS) ... */
export const LARGE_CLUSTER = {
  namespaces: 2_000,
  nodes: 1_000,
  secrets: 20_000,
  tlsSecrets: 2_000,
  configMaps: 5_000,
  applications: 3_000,
  constraints: 300,
  networkPolicies: 2_000,
};

export const scaled = (count: number, scale: number) => Math.max(1, Math.round(count * scale));

async function demoClusters(): Promise<SimulatedClusterDefinition[]> {
  return loadFleetDirectory(EXAMPLES, { now: new Date('2026-11-25T06:00:00.000Z') });
}

const isCrd = (o: K8sObject) => o.kind === 'CustomResourceDefinition';
const named = (o: K8sObject) =>
  `${o.apiVersion}/${o.kind}/${String(o.metadata?.['namespace'] ?? '')}/${String(o.metadata?.['name'])}`;

function clone(template: K8sObject, name: string, namespace?: string): K8sObject {
  const copy = structuredClone(template);
  const metadata: Record<string, unknown> = { ...(copy.metadata ?? {}), name };
  if (namespace) metadata['namespace'] = namespace;
  delete metadata['uid'];
  delete metadata['resourceVersion'];
  return { ...copy, metadata };
}

/** One cluster of the size (times `scale`): cluster-a's mesh, policies and CAs, the host's Argo CD. */
export async function largeCluster(scale: number): Promise<SimulatedClusterDefinition> {
  const [clusterA, , host] = await demoClusters();
  const objects = [...clusterA!.objects] as K8sObject[];
  const seen = new Set(objects.map(named));
  for (const object of host!.objects as K8sObject[]) {
    if ((isCrd(object) || object.apiVersion?.startsWith('argoproj.io/')) && !seen.has(named(object))) {
      objects.push(object);
      seen.add(named(object));
    }
  }
  const template = (predicate: (o: K8sObject) => boolean, what: string) => {
    const found = objects.find(predicate);
    if (!found) throw new Error(`bench: the demo fleet has no ${what} to copy`);
    return found;
  };
  const application = template((o) => o.kind === 'Application', 'Argo CD Application');
  const constraint = template((o) => Boolean(o.apiVersion?.startsWith('constraints.gatekeeper.sh/')), 'constraint');
  const policy = template((o) => o.kind === 'NetworkPolicy', 'NetworkPolicy');
  const n = (key: keyof typeof LARGE_CLUSTER) => scaled(LARGE_CLUSTER[key], scale);
  const ns = (i: number) => `tenant-${i % n('namespaces')}`;

  for (let i = 0; i < n('namespaces'); i++) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns(i), labels: { team: `team-${i % 40}` } },
    });
  }
  for (let i = 0; i < n('nodes'); i++) {
    const cidr = `10.${Math.floor(i / 250)}.${i % 250}.0/24`;
    objects.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `node-${i}`, labels: { 'topology.kubernetes.io/zone': `zone-${i % 3}` } },
      spec: { podCIDR: cidr, podCIDRs: [cidr] },
      status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.33.2' } },
    });
  }
  for (let i = 0; i < n('secrets') - n('tlsSecrets'); i++) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `app-secret-${i}`, namespace: ns(i) },
      type: 'Opaque',
      data: { password: Buffer.from(`bench-not-a-secret-${i}`.repeat(4)).toString('base64') },
    });
  }
  for (let i = 0; i < n('configMaps'); i++) {
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `app-config-${i}`, namespace: ns(i) },
      data: { 'settings.yaml': `replicas: ${i % 5}\nfeature: ${i % 2 === 0}\n` },
    });
  }
  for (let i = 0; i < n('applications'); i++) objects.push(clone(application, `app-${i}`, 'argocd'));
  for (let i = 0; i < n('constraints'); i++) objects.push(clone(constraint, `constraint-${i}`));
  for (let i = 0; i < n('networkPolicies'); i++) objects.push(clone(policy, `policy-${i}`, ns(i)));

  const certificates = clusterA!.config?.certificates ?? {};
  const secrets = [...(certificates.secrets ?? [])];
  for (let i = 0; i < n('tlsSecrets'); i++) {
    secrets.push({
      namespace: 'payments',
      name: `tls-${i}`,
      subject: `CN=svc-${i}.example.com`,
      dnsNames: [`svc-${i}.example.com`],
      issuer: 'corp-issuing',
      notBeforeDays: -10,
      notAfterDays: 5 + (i % 120),
    });
  }
  return {
    name: 'large',
    objects,
    config: { ...clusterA!.config, certificates: { ...certificates, secrets } },
  };
}

/** `count` clusters, the demo fleet's three kinds in turn (mesh members and a federation host). */
export async function fleetMix(count: number): Promise<SimulatedClusterDefinition[]> {
  const demo = await demoClusters();
  return Array.from({ length: count }, (_, i) => {
    const base = demo[i % demo.length]!;
    return { ...base, name: `c${String(i).padStart(3, '0')}-${base.name}` };
  });
}

/** One small cluster (the ledger-age runs). */
export async function smallCluster(): Promise<SimulatedClusterDefinition> {
  const [clusterA] = await demoClusters();
  return { ...clusterA!, name: 'age' };
}
