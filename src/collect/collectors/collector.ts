/**
 * The shared shape of collectors: one file per section of the snapshot. A collector reads what
 * it needs through the KubeReader, writes its part of the draft and says whether the API was there.
 * Read failures (KubeReadError) propagate: the section runner records them as the section's state.
 */
import type { Logger } from '../../core/logger.js';
import type { SectionName, Snapshot } from '../../snapshot/schema.js';
import type { JsonRecord } from '../fields.js';
import type { KubeReader } from '../kube.js';

/** Everything of a snapshot but its meta: what collectors fill in. */
export type SnapshotDraft = Omit<Snapshot, 'schemaVersion' | 'meta'>;

export interface CollectorContext {
  readonly reader: KubeReader;
  readonly logger: Logger;
  /** Namespaces left out of per-namespace postures (network policies, effective mTLS). */
  isExcluded(namespace: string): boolean;
  /** Every Namespace object, listed once per cluster and shared (throws KubeReadError). */
  namespaces(): Promise<JsonRecord[]>;
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

/** Names of the namespaces that can be read, or null when the Namespace list cannot (postures then use what they saw). */
export async function namespaceNamesOrNull(context: CollectorContext): Promise<string[] | null> {
  try {
    const items = await context.namespaces();
    return items.map((item) => {
      const metadata = item['metadata'];
      const name = typeof metadata === 'object' && metadata !== null ? (metadata as JsonRecord)['name'] : undefined;
      return typeof name === 'string' ? name : '';
    });
  } catch {
    return null;
  }
}
