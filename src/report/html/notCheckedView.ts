/**
 * The appendix of report.html on what the report could not read or chose not to check: each
 * collection problem with its raw API error (the body of the report says it in people's words),
 * and each namespace the tenant-hygiene rules skipped with the entry that matched.
 */
import type { ReportDocument } from '../schema.js';

const SOURCE_TEXT: Record<string, string> = {
  'built-in': 'built-in list',
  'rules.platformNamespaces': 'rules.platformNamespaces',
  'rules.extraPlatformNamespaces': 'rules.extraPlatformNamespaces',
  'rules.excludeNamespaces': 'rules.excludeNamespaces',
};

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

export function skippedNamespacesView(doc: Pick<ReportDocument, 'clusters'>) {
  const rules = [...new Set(doc.clusters.flatMap((cluster) => cluster.skippedNamespaces?.rules ?? []))];
  const rows = doc.clusters.flatMap((cluster) =>
    (cluster.skippedNamespaces?.namespaces ?? []).map((skip) => ({
      cluster: cluster.name,
      namespace: skip.namespace,
      excluded: skip.reason === 'excluded',
      addOn: skip.addOn,
      pattern: skip.pattern,
      sourceText: SOURCE_TEXT[skip.source] ?? skip.source,
    })),
  );
  return { rules: rules.join(', '), rows };
}
