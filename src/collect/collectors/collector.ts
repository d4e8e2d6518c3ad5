/**
 * The shared shape of collectors: one file per section of the snapshot. A collector reads each of
 * its sources through `context.source` (which records the outcome and keeps the section going when
 * one source fails, see sources.ts), writes its part of the draft and says whether the API was
 * there. A read failure outside a source (the discovery that says whether the API is installed)
 * propagates: the section runner records it as the section's state.
 */
import type { Logger } from '../../core/logger.js';
import type { SectionName, Snapshot } from '../../snapshot/schema.js';
import type { JsonRecord } from '../fields.js';
import type { KubeReader } from '../kube.js';
import type { SourceRecorder } from '../sources.js';

/** Everything of a snapshot but its meta: what collectors fill in. */
export type SnapshotDraft = Omit<Snapshot, 'schemaVersion' | 'meta'>;

export interface CollectorContext {
  readonly reader: KubeReader;
  readonly logger: Logger;
  /** Namespaces left out of per-namespace postures (network policies, effective mTLS). */
  isExcluded(namespace: string): boolean;
  /** Every Namespace object, listed once per cluster and shared (throws KubeReadError). */
  namespaces(): Promise<JsonRecord[]>;
  /** Reads one source of the section and records its outcome (see SourceRecorder.read). */
  readonly source: SourceRecorder['read'];
}

export interface Collector {
  readonly section: SectionName;
  /** 'absent' when the API is not installed (discovery 404). */
  collect(context: CollectorContext, draft: SnapshotDraft): Promise<'ok' | 'absent'>;
}

export function emptyDraft(): SnapshotDraft {
  return {
    namespaces: [],
    quotas: { resourceQuotas: [], limitRanges: [] },
    policies: {
      gatekeeper: { installed: false, apiVersion: null, templates: [], constraints: [] },
      kyverno: { installed: false, policies: [], reports: [] },
      networkPolicies: [],
      istio: { installed: false, apiVersion: null, peerAuthentications: [], mtls: [] },
    },
    network: { nodes: [], serviceCIDRs: [], podRanges: [], ipPools: [] },
    certificates: { bundles: [], certManager: [], istioRootFingerprints: [] },
    gitops: { installed: false, applications: [], applicationSets: [], clusters: [] },
    federation: { kubefedInstalled: false, kubefedClusters: [], istioRemoteClusters: [] },
  };
}

/**
 * Names of every namespace, as one source of the section (postures list every namespace, not only
 * those with policies), or null when the Namespace list cannot be read (postures then use what
 * they saw, and the section is partial).
 */
export async function namespaceNames(context: CollectorContext): Promise<string[] | null> {
  const items = await context.source({ source: 'Namespaces', request: 'GET /api/v1/namespaces' }, () =>
    context.namespaces(),
  );
  return (
    items?.map((item) => {
      const metadata = item['metadata'];
      const name = typeof metadata === 'object' && metadata !== null ? (metadata as JsonRecord)['name'] : undefined;
      return typeof name === 'string' ? name : '';
    }) ?? null
  );
}
