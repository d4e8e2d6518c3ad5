/**
 * The Istio roots of one cluster as far as its snapshot tells, for MESH-ROOT-CA-MISMATCH. When
 * the CA Secrets could not be read (a reader role without Secrets), the `istio-ca-root-cert`
 * ConfigMaps still name the roots every workload trusts: that is enough to compare clusters.
 * Only when no root at all could be read is the question open.
 */
import type { Snapshot } from '../snapshot/schema.js';
import type { Check } from './rule.js';
import { isCollected, isComplete, notCollectedCheck } from './sections.js';

export type ClusterIstioRoots =
  /** `partlyRead`: what of the section was not read (its message), when the roots come from part of it. */
  { known: true; roots: string[]; partlyRead: string | null } | { known: false; notEvaluated: Check };

export function istioRootsOf(snapshot: Snapshot): ClusterIstioRoots {
  const subject = `Cluster/${snapshot.meta.cluster}`;
  const roots = [...new Set(snapshot.certificates.istioRootFingerprints)].sort();
  const unknown = (): ClusterIstioRoots => ({
    known: false,
    notEvaluated: notCollectedCheck(subject, 'Istio roots not collected', snapshot, ['istioCa']),
  });
  if (!isCollected(snapshot, 'istioCa')) return unknown();
  if (isComplete(snapshot, 'istioCa')) return { known: true, roots, partlyRead: null };
  if (roots.length === 0) return unknown();
  return { known: true, roots, partlyRead: snapshot.meta.sections.istioCa?.message ?? 'partly collected' };
}
