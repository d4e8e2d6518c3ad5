/**
 * The appendix of report.html on what the report could not read or chose not to check: each
 * collection problem with its raw API error (the body of the report says it in people's words),
 * and each namespace the tenant-hygiene rules skipped with the entry that matched.
 */
import type { ReportDocument } from '../schema.js';

export function collectionProblemsView(doc: Pick<ReportDocument, 'clusters'>) {
  return doc.clusters.flatMap((cluster) =>
    (cluster.problems ?? []).map((problem) => ({
      cluster: cluster.name,
      section: problem.section,
      state: problem.state,
      summary: problem.summary,
      detail: problem.detail,
    })),
  );
}

/**
 * One row per cluster (a fleet of fifty clusters stays fifty rows): its platform namespaces, each
 * with the add-on of its built-in entry or the fleet file's key and glob, and its excluded ones.
 */
export function skippedNamespacesView(doc: Pick<ReportDocument, 'clusters'>) {
  const rules = [...new Set(doc.clusters.flatMap((cluster) => cluster.skippedNamespaces?.rules ?? []))];
  const clusters = doc.clusters
    .map((cluster) => {
      const skipped = cluster.skippedNamespaces?.namespaces ?? [];
      return {
        cluster: cluster.name,
        platform: skipped
          .filter((skip) => skip.reason === 'platform')
          .map((skip) => ({
            namespace: skip.namespace,
            note: skip.source === 'built-in' && skip.addOn ? skip.addOn : `${skip.source}: ${skip.pattern}`,
          })),
        excluded: skipped
          .filter((skip) => skip.reason === 'excluded')
          .map((skip) => ({ namespace: skip.namespace, note: skip.pattern === skip.namespace ? null : skip.pattern })),
      };
    })
    .filter((row) => row.platform.length + row.excluded.length > 0);
  return { rules: rules.join(', '), clusters };
}
