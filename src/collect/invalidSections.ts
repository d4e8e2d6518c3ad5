/**
 * The last line of defence between untrusted cluster data and the ledger: a snapshot that does
 * not match the schema would be refused by the ledger and cost the cluster its whole snapshot.
 * Instead, the sections holding the offending fields are marked `error` (naming the field and what
 * was expected) and emptied; every other section is kept.
 */
import { type CertificateSource, type SectionName, type SectionStatus, Snapshot } from '../snapshot/schema.js';
import { rememberValidated } from '../snapshot/validatedSnapshot.js';
import { emptyDraft, type SnapshotDraft } from './collectors/collector.js';

/** Where each section writes in a snapshot (dotted path prefixes); certificate bundles go by source. */
const SECTION_PATHS: ReadonlyArray<readonly [path: string, section: SectionName]> = [
  ['namespaces', 'namespaces'],
  ['quotas.resourceQuotas', 'resourceQuotas'],
  ['quotas.limitRanges', 'limitRanges'],
  ['policies.gatekeeper', 'gatekeeper'],
  ['policies.kyverno', 'kyverno'],
  ['policies.networkPolicies', 'networkPolicies'],
  ['policies.istio', 'istio'],
  ['network.nodes', 'nodes'],
  ['network.serviceCIDRs', 'serviceCidrs'],
  ['network.podRanges', 'cniConfig'],
  ['network.ipPools', 'ipPools'],
  ['certificates.certManager', 'certManager'],
  ['certificates.istioRootFingerprints', 'istioCa'],
  ['gitops.installed', 'argocdApplications'],
  ['gitops.applications', 'argocdApplications'],
  ['gitops.applicationSets', 'argocdApplicationSets'],
  ['gitops.clusters', 'argocdClusters'],
  ['federation.kubefedInstalled', 'kubefed'],
  ['federation.kubefedClusters', 'kubefed'],
  ['federation.istioRemoteClusters', 'istioRemoteSecrets'],
];

/** The API server's own certificate is not a section's: it belongs to meta, which is never quarantined. */
const BUNDLE_SOURCE_SECTION: Readonly<Record<CertificateSource, SectionName | null>> = {
  'tls-secret': 'tlsSecrets',
  'cert-manager': 'certManager',
  'istio-root': 'istioCa',
  'istio-ca': 'istioCa',
  apiserver: null,
};

/**
 * The snapshot unchanged when it is valid; otherwise with every section owning an invalid field
 * set to `error` and emptied, and the cluster `partial`. Fields outside the sections (meta) are
 * produced by fleetledger itself: such a snapshot is returned as it is and the ledger refuses it.
 */
export function quarantineInvalidSections(snapshot: Snapshot): Snapshot {
  const parsed = Snapshot.safeParse(snapshot);
  // What the schema returned: writeSnapshot then stores it without checking it a second time.
  if (parsed.success) return rememberValidated(parsed.data);

  const problems = new Map<SectionName, string[]>();
  for (const issue of parsed.error.issues) {
    const section = sectionOwning(snapshot, issue.path);
    if (section === null) return snapshot;
    const field = issue.path.map(String).join('.');
    const list = problems.get(section) ?? [];
    list.push(`${field}: ${issue.message}`);
    problems.set(section, list);
  }

  const repaired: Snapshot = structuredClone(snapshot);
  const sections: Record<SectionName, SectionStatus> = { ...repaired.meta.sections };
  for (const [section, messages] of problems) {
    clearSection(repaired, section);
    const shown = messages.slice(0, 3).join('; ') + (messages.length > 3 ? `; and ${messages.length - 3} more` : '');
    sections[section] = { state: 'error', message: `invalid data from the cluster, section dropped: ${shown}` };
  }
  repaired.meta = {
    ...repaired.meta,
    sections,
    status: repaired.meta.status === 'ok' ? 'partial' : repaired.meta.status,
  };
  return repaired;
}

function sectionOwning(snapshot: Snapshot, path: readonly PropertyKey[]): SectionName | null {
  const [top, second, index] = path;
  if (top === 'certificates' && second === 'bundles') {
    const bundle = typeof index === 'number' ? snapshot.certificates.bundles[index] : undefined;
    return bundle ? (BUNDLE_SOURCE_SECTION[bundle.source] ?? null) : null;
  }
  const dotted = path.map(String);
  for (const [prefix, section] of SECTION_PATHS) {
    const parts = prefix.split('.');
    if (parts.every((part, i) => dotted[i] === part)) return section;
  }
  return null;
}

/** Puts back the empty value of every path the section owns (what a collector starts from). */
function clearSection(snapshot: Snapshot, section: SectionName): void {
  const empty = emptyDraft();
  for (const [prefix, owner] of SECTION_PATHS) {
    if (owner !== section) continue;
    const [top, leaf] = prefix.split('.') as [keyof SnapshotDraft, string | undefined];
    if (leaf === undefined) {
      Object.assign(snapshot, { [top]: empty[top] });
    } else {
      Object.assign(snapshot[top], { [leaf]: (empty[top] as Record<string, unknown>)[leaf] });
    }
  }
  snapshot.certificates.bundles = snapshot.certificates.bundles.filter(
    (bundle) => BUNDLE_SOURCE_SECTION[bundle.source] !== section,
  );
}
