/**
 * The findings section of report.html: the findings of one rule in one cluster (or one group of
 * clusters, for fleet findings) are one row, with a count and the affected subjects in a
 * `<details>` element, so fifteen namespaces without a quota read as one line to act on. A row
 * sits under the severity of its worst finding; a row whose findings differ in severity (such as
 * CERT-EXPIRING) says how many of each.
 */
import { SEVERITIES, type Severity } from '../../evaluate/types.js';
import type { ReportDocument, ReportFinding } from '../schema.js';
import { formatDay } from './format.js';

/** How many subjects the closed `<details>` names in its summary. */
export const SUMMARY_SUBJECTS = 3;

const severityRank = (severity: Severity) => SEVERITIES.indexOf(severity);

export function clustersOf(finding: Pick<ReportFinding, 'cluster' | 'clusters'>): string {
  if (finding.clusters && finding.clusters.length > 0) return finding.clusters.join(', ');
  return finding.cluster ?? 'fleet';
}

export function findingView(finding: ReportFinding, timeZone: string) {
  return {
    id: finding.id,
    rule: finding.rule,
    severity: finding.severity,
    clusters: clustersOf(finding),
    resource: finding.resource,
    message: finding.message,
    waived: finding.status === 'waived',
    waiverOwner: finding.waiver?.owner ?? null,
    waiverExpires: finding.waiver?.expires ?? null,
    isNew: finding.trend === 'new',
    firstSeen: formatDay(finding.firstSeen, timeZone),
    ageDays: finding.ageDays,
  };
}

function rowView(rule: string, findings: readonly ReportFinding[], timeZone: string) {
  const sorted = [...findings].sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity) || a.resource.localeCompare(b.resource),
  );
  const oldest = [...findings].sort((a, b) => a.firstSeen.localeCompare(b.firstSeen))[0]!;
  const severities = SEVERITIES.map((severity) => ({
    severity,
    count: findings.filter((f) => f.severity === severity).length,
  })).filter((entry) => entry.count > 0);
  const shown = sorted.slice(0, SUMMARY_SUBJECTS).map((f) => f.resource);
  const more = sorted.length - shown.length;
  const open = findings.filter((f) => f.status === 'open').length;
  return {
    rule,
    clusters: clustersOf(oldest),
    count: findings.length,
    worst: sorted[0]!.severity,
    mixed: severities.length > 1,
    severities,
    summary: `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
    // One subject: nothing to fold away (and printed, a closed <details> shows only its summary).
    single: findings.length === 1,
    open,
    waived: findings.length - open,
    newCount: findings.filter((f) => f.trend === 'new').length,
    firstSeen: formatDay(oldest.firstSeen, timeZone),
    ageDays: Math.max(...findings.map((f) => f.ageDays)),
    findings: sorted.map((finding) => findingView(finding, timeZone)),
  };
}

export type FindingRow = ReturnType<typeof rowView>;

/** Rows of (rule, clusters), by worst severity, then rule, then clusters. */
export function findingRows(doc: Pick<ReportDocument, 'findings' | 'timeZone'>): FindingRow[] {
  const byRow = new Map<string, ReportFinding[]>();
  for (const finding of doc.findings) {
    const key = `${finding.rule}\u0000${clustersOf(finding)}`;
    byRow.set(key, [...(byRow.get(key) ?? []), finding]);
  }
  return [...byRow.values()]
    .map((findings) => rowView(findings[0]!.rule, findings, doc.timeZone))
    .sort(
      (a, b) =>
        severityRank(a.worst) - severityRank(b.worst) ||
        a.rule.localeCompare(b.rule) ||
        a.clusters.localeCompare(b.clusters),
    );
}

/** The rows grouped by severity (of their worst finding), then by rule. */
export function groupFindingRows<T>(
  doc: Pick<ReportDocument, 'findings' | 'timeZone'>,
  describeRule: (id: string) => T,
) {
  const rows = findingRows(doc);
  return SEVERITIES.flatMap((severity) => {
    const ofSeverity = rows.filter((row) => row.worst === severity);
    if (ofSeverity.length === 0) return [];
    const ruleIds = [...new Set(ofSeverity.map((row) => row.rule))].sort();
    return [
      {
        severity,
        count: ofSeverity.reduce((sum, row) => sum + row.count, 0),
        rules: ruleIds.map((ruleId) => {
          const ruleRows = ofSeverity.filter((row) => row.rule === ruleId);
          return {
            ...describeRule(ruleId),
            count: ruleRows.reduce((sum, row) => sum + row.count, 0),
            rows: ruleRows,
          };
        }),
      },
    ];
  });
}
