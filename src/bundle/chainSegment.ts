/**
 * The stretch of the manifest chain an auditor's bundle carries: every manifest on a path from the
 * runs that recorded the report's evidence (and the head the report pins) to the report's own run.
 * Earlier history is left out (the first manifests of the stretch link manifests outside it); so are
 * later runs, which a report does not rest on.
 */
import { linksOf, type StoredManifest } from '../ledger/manifest.js';

/** The manifest and every manifest behind it whose bytes its links name (a link to other bytes ends the walk). */
export function ancestorsOf(manifests: readonly StoredManifest[], key: string): Set<string> {
  const byKey = new Map(manifests.map((stored) => [stored.key, stored]));
  const reached = new Set<string>();
  const pending = byKey.has(key) ? [key] : [];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    if (reached.has(current)) continue;
    reached.add(current);
    for (const link of linksOf(byKey.get(current)!.manifest)) {
      if (byKey.get(link.key)?.sha256 === link.sha256) pending.push(link.key);
    }
  }
  return reached;
}

/**
 * The manifests behind `tip` (itself included) that descend from one of `starts` (themselves
 * included), in key order: every path from the starts to the tip, forks and joins alike.
 *
 * @example
 * const stretch = chainSegment(readout.manifests, evidenceManifests, reportManifest);
 */
export function chainSegment(
  manifests: readonly StoredManifest[],
  starts: Iterable<string>,
  tip: string,
): StoredManifest[] {
  const behindTip = ancestorsOf(manifests, tip);
  const inside = manifests.filter((stored) => behindTip.has(stored.key));
  // Walk forwards from the starts, over the links inside the tip's ancestry.
  const followers = new Map<string, string[]>();
  for (const stored of inside) {
    for (const link of linksOf(stored.manifest)) {
      if (behindTip.has(link.key)) followers.set(link.key, [...(followers.get(link.key) ?? []), stored.key]);
    }
  }
  const kept = new Set<string>();
  const pending = [...starts].filter((key) => behindTip.has(key));
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    if (kept.has(current)) continue;
    kept.add(current);
    pending.push(...(followers.get(current) ?? []));
  }
  return inside.filter((stored) => kept.has(stored.key));
}
