/**
 * The facts of a cluster the report shows and the trend compares week over week: a compact
 * extract of a snapshot (no violation samples, no per-resource lists), small enough to keep one
 * per cluster in every trend index entry.
 */
import { type NamespaceSkipSettings, namespaceSkipper } from '../evaluate/namespaceSkips.js';
import { worstReconcileLag } from '../evaluate/reconcileLag.js';
import type { CertificateBundle, Snapshot } from '../snapshot/schema.js';
import type { ClusterFacts } from './schema.js';

type CertificateFact = ClusterFacts['certificates'][number];

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const uniqueSorted = (values: Iterable<string>) => [...new Set(values)].sort(byText);

/** Identity of a certificate across periods: where it is kept, not what it is. */
export function certificateSlot(cert: Pick<CertificateFact, 'source' | 'namespace' | 'name' | 'key'>): string {
  return [cert.source, cert.namespace ?? '', cert.name, cert.key ?? ''].join('/');
}

/**
 * A bundle's certificates worth tracking: the first one (the leaf of a tls.crt, the CA of a
 * ca-cert.pem), and every root of an Istio root bundle, because a root rotation adds a second
 * root to the bundle before removing the old one.
 */
function bundleFacts(bundle: CertificateBundle): CertificateFact[] {
  const tracked = bundle.source === 'istio-root' ? bundle.chain : bundle.chain.slice(0, 1);
  return tracked.map((cert) => ({
    source: bundle.source,
    namespace: bundle.namespace,
    name: bundle.name,
    key: bundle.key,
    subject: cert.subject,
    notAfter: cert.notAfter,
    fingerprint256: cert.fingerprint256,
  }));
}

function certificateFacts(snapshot: Snapshot): CertificateFact[] {
  const facts = snapshot.certificates.bundles.flatMap(bundleFacts);
  const serving = snapshot.meta.servingCertificate;
  if (serving && !facts.some((fact) => fact.source === 'apiserver')) {
    facts.push({
      source: 'apiserver',
      namespace: null,
      name: 'kube-apiserver',
      key: 'serving',
      subject: serving.subject,
      notAfter: serving.notAfter,
      fingerprint256: serving.fingerprint256,
    });
  }
  return facts.sort(
    (a, b) => byText(certificateSlot(a), certificateSlot(b)) || byText(a.fingerprint256, b.fingerprint256),
  );
}

/** The namespaces left out of the namespace counts, as the tenant-hygiene checks leave them out (excluded and platform namespaces). */
export type ClusterFactsOptions = NamespaceSkipSettings;

/** Extracts the facts of one cluster from its snapshot. */
export function clusterFacts(snapshot: Snapshot, options: ClusterFactsOptions = {}): ClusterFacts {
  const skipOf = namespaceSkipper(options);
  const namespaces = snapshot.namespaces.map((ns) => ns.name).filter((name) => skipOf(name) === null);
  const withQuota = new Set(snapshot.quotas.resourceQuotas.map((q) => q.namespace));
  const withLimitRange = new Set(snapshot.quotas.limitRanges.map((l) => l.namespace));
  const withDefaultDeny = new Set(
    snapshot.policies.networkPolicies.filter((p) => p.defaultDenyIngress).map((p) => p.namespace),
  );
  const network = snapshot.network;
  return {
    kubernetesVersion: snapshot.meta.kubernetesVersion,
    podCIDRs: uniqueSorted([...network.nodes.flatMap((n) => n.podCIDRs), ...network.podRanges.map((r) => r.cidr)]),
    serviceCIDRs: uniqueSorted(network.serviceCIDRs.map((s) => s.cidr)),
    ipPools: network.ipPools
      .map((pool) => ({
        name: pool.name,
        cidr: pool.cidr,
        ipipMode: pool.ipipMode,
        vxlanMode: pool.vxlanMode,
        disabled: pool.disabled,
      }))
      .sort((a, b) => byText(a.name, b.name)),
    certificates: certificateFacts(snapshot),
    applications: snapshot.gitops.applications
      .map((app) => ({
        namespace: app.namespace,
        name: app.name,
        sync: app.syncStatus,
        health: app.health,
        message: app.operation?.message ?? null,
      }))
      .sort((a, b) => byText(a.namespace, b.namespace) || byText(a.name, b.name)),
    constraints: snapshot.policies.gatekeeper.constraints
      .map((c) => ({
        kind: c.kind,
        name: c.name,
        enforcementAction: c.enforcementAction,
        totalViolations: c.totalViolations,
      }))
      .sort((a, b) => byText(a.kind, b.kind) || byText(a.name, b.name)),
    quotas: snapshot.quotas.resourceQuotas
      .map((q) => ({
        namespace: q.namespace,
        name: q.name,
        hard: Object.fromEntries(q.resources.map((r) => [r.resource, r.hard]).sort(([a], [b]) => byText(a!, b!))),
      }))
      .sort((a, b) => byText(a.namespace, b.namespace) || byText(a.name, b.name)),
    namespaces: {
      total: namespaces.length,
      withQuota: namespaces.filter((ns) => withQuota.has(ns)).length,
      withLimitRange: namespaces.filter((ns) => withLimitRange.has(ns)).length,
      withDefaultDeny: namespaces.filter((ns) => withDefaultDeny.has(ns)).length,
    },
    ...reconcileLagFact(snapshot),
  };
}

function reconcileLagFact(snapshot: Snapshot): Pick<ClusterFacts, 'reconcileLag'> {
  const worst = worstReconcileLag(snapshot);
  return worst ? { reconcileLag: worst } : {};
}
