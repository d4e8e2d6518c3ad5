/**
 * The findings section of report.html: the findings of one rule in one cluster (or one group of
 * clusters, for fleet findings) are one row, with a count and the affected subjects in a
 * `<details>` element, so fifteen namespaces without a quota read as one line to act on. A row
 * sits under the severity of its worst finding; a row whose findings differ in severity (such as
 * CERT-EXPIRING) says how many of each.
 */
import { SEVERITIES, type Severity } from '../../evaluate/types.js';
import { capList } from '../cappedList.js';
import type { ReportDocument, ReportFinding } from '../schema.js';
import { formatDay } from './format.js';

/** How many subjects the closed `<details>` names in its summary. */
export const SUMMARY_SUBJECTS = 3;

/**
 * How many subjects an opened row lists: the most severe first, then by name; the row says how
 * many more there are. report.json and findings.csv list every finding.
 */
export const SUBJECTS_PER_ROW = 50;

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

// localeCompare's order, without building a collator for every one of thousands of comparisons.
const byName = new Intl.Collator().compare;

function rowView(rule: string, findings: readonly ReportFinding[], timeZone: string) {
  const sorted = [...findings].sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity) || byName(a.resource, b.resource),
  );
  // The first first-seen date of the row (ISO timestamps compare as text).
  const oldest = findings.reduce((first, f) => (f.firstSeen < first.firstSeen ? f : first));
  const bySeverity = new Map<Severity, number>();
  for (const f of findings) bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1);
  const severities = SEVERITIES.filter((severity) => bySeverity.has(severity)).map((severity) => ({
    severity,
    count: bySeverity.get(severity)!,
  }));
  const shown = sorted.slice(0, SUMMARY_SUBJECTS).map((f) => f.resource);
  const more = sorted.length - shown.length;
  const open = findings.filter((f) => f.status === 'open').length;
  const listed = capList(sorted, SUBJECTS_PER_ROW);
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
    ageDays: findings.reduce((max, f) => Math.max(max, f.ageDays), 0),
    findings: listed.items.map((finding) => findingView(finding, timeZone)),
    moreFindings: listed.more,
  };
}

export type FindingRow = ReturnType<typeof rowView>;

/** Rows of (rule, clusters), by worst severity, then rule, then clusters. */
export function findingRows(doc: Pick<ReportDocument, 'findings' | 'timeZone'>): FindingRow[] {
  const byRow = new Map<string, ReportFinding[]>();
  for (const finding of doc.findings) {
    const key = `${finding.rule}\u0000${clustersOf(finding)}`;
    const row = byRow.get(key);
    if (row) row.push(finding);
    else byRow.set(key, [finding]);
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
  // Rows come sorted by worst severity, then rule: grouping keeps that order.
  const bySeverity = new Map<Severity, Map<string, FindingRow[]>>();
  for (const row of findingRows(doc)) {
    const rules = bySeverity.get(row.worst) ?? new Map<string, FindingRow[]>();
    bySeverity.set(row.worst, rules);
    const ruleRows = rules.get(row.rule);
    if (ruleRows) ruleRows.push(row);
    else rules.set(row.rule, [row]);
  }
  return SEVERITIES.flatMap((severity) => {
    const rules = bySeverity.get(severity);
    if (!rules) return [];
    const ruleIds = [...rules.keys()].sort();
    return [
      {
        severity,
        count: [...rules.values()].flat().reduce((sum, row) => sum + row.count, 0),
        rules: ruleIds.map((ruleId) => {
          const ruleRows = rules.get(ruleId)!;
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
