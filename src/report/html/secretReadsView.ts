/**
 * The appendix block on Secret reads: for each cluster snapshotted without reading Secrets, the
 * checks that mode left not evaluated (report.json `clusters[].secretReads`). Pure.
 */
import type { ReportDocument } from '../schema.js';

export function buildSecretReadsView(doc: ReportDocument) {
  const off = doc.clusters.flatMap((cluster) =>
    cluster.secretReads && !cluster.secretReads.enabled
      ? [
          {
            name: cluster.name,
            count: cluster.secretReads.notEvaluated.length,
            checks: cluster.secretReads.notEvaluated,
          },
        ]
      : [],
  );
  const on = doc.clusters.filter((cluster) => cluster.secretReads?.enabled).map((cluster) => cluster.name);
  return { any: off.length > 0, clusters: off, enabledClusters: on.join(', ') };
}

/** One line for the e-mail, or null when every cluster's Secrets were read. */
export function secretReadsSentence(doc: ReportDocument): string | null {
  const { clusters } = buildSecretReadsView(doc);
  if (clusters.length === 0) return null;
  const each = clusters.map((c) => `${c.name} (${c.count} check${c.count === 1 ? '' : 's'} not evaluated)`);
  return `Secrets were not read on ${each.join(', ')}: the report's appendix lists those checks.`;
}
