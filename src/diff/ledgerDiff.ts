/**
 * What changed between two points of the ledger: two snapshots of one cluster, or the latest
 * reports of two periods. Both sides are reduced to the same shape (facts per cluster and the
 * findings with their stable ids), so one pure comparison serves both; fact changes are the
 * report's own (diffFacts), so `diff` and the report's "what changed" agree.
 */
import { DateTime } from 'luxon';
import { evaluateFleet } from '../evaluate/evaluate.js';
import type { Severity } from '../evaluate/types.js';
import { clusterFacts } from '../report/clusterFacts.js';
import { diffFacts, type FactsAt } from '../report/factChanges.js';
import type { FactChange, ReportDocument } from '../report/schema.js';
import { sectionsNotCollected } from '../report/trendIndex.js';
import { SECTION_NAMES, type SectionName, type Snapshot } from '../snapshot/schema.js';

export interface DiffFinding {
  id: string;
  rule: string;
  severity: Severity;
  status: 'open' | 'waived';
  cluster: string | null;
  resource: string;
  message: string;
}

export interface DiffSide {
  /** What the side is, as the user named it (a snapshot key, a period and its report folder). */
  label: string;
  facts: FactsAt;
  findings: DiffFinding[];
  /** Compliance per cluster (null: not evaluated), and of the fleet under "". */
  compliance: Record<string, number | null>;
}

export interface LedgerDiff {
  from: string;
  to: string;
  equal: boolean;
  facts: FactChange[];
  findings: {
    added: DiffFinding[];
    resolved: DiffFinding[];
    /** Same finding, other severity or status (waived, or no longer waived). */
    changed: { id: string; before: DiffFinding; after: DiffFinding }[];
  };
  compliance: { cluster: string | null; before: number | null; after: number | null }[];
}

const diffFinding = (finding: {
  id: string;
  rule: string;
  severity: Severity;
  status: 'open' | 'waived';
  cluster?: string | undefined;
  clusters?: readonly string[] | undefined;
  resource: string;
  message: string;
}): DiffFinding => ({
  id: finding.id,
  rule: finding.rule,
  severity: finding.severity,
  status: finding.status,
  cluster: finding.cluster ?? (finding.clusters && finding.clusters.length > 0 ? finding.clusters.join(',') : null),
  resource: finding.resource,
  message: finding.message,
});

/** A side from one cluster's snapshot: its facts, and the findings the catalog gives it alone. */
export function snapshotSide(label: string, snapshot: Snapshot): DiffSide {
  const cluster = snapshot.meta.cluster;
  const asOf = DateTime.fromISO(snapshot.meta.collectionStart, { zone: 'utc' });
  const evaluation = evaluateFleet([snapshot], { now: asOf, fleetClusters: [{ name: cluster, labels: {} }] });
  const facts = snapshot.meta.status === 'unreachable' ? null : clusterFacts(snapshot);
  return {
    label,
    facts: {
      asOf: snapshot.meta.collectionStart,
      clusters: { [cluster]: { facts, notCollected: sectionsNotCollected(snapshot) as SectionName[] } },
    },
    findings: evaluation.findings.map(diffFinding),
    compliance: { [cluster]: evaluation.scores.clusters[cluster]?.compliance ?? null },
  };
}

/** A side from a stored report: every cluster's facts, the findings, the scores. */
export function reportSide(label: string, doc: ReportDocument): DiffSide {
  const notCollected = (problems: { section: string | null }[] | undefined): SectionName[] =>
    (problems ?? []).flatMap((problem) =>
      (SECTION_NAMES as readonly string[]).includes(problem.section ?? '') ? [problem.section as SectionName] : [],
    );
  return {
    label,
    facts: {
      asOf: doc.generatedAt,
      clusters: Object.fromEntries(
        doc.clusters.map((cluster) => [
          cluster.name,
          { facts: cluster.facts, notCollected: notCollected(cluster.problems) },
        ]),
      ),
    },
    findings: doc.findings.map(diffFinding),
    compliance: {
      '': doc.fleet.compliance,
      ...Object.fromEntries(doc.clusters.map((cluster) => [cluster.name, cluster.compliance])),
    },
  };
}

export function diffSides(before: DiffSide, after: DiffSide): LedgerDiff {
  const old = new Map(before.findings.map((finding) => [finding.id, finding]));
  const now = new Map(after.findings.map((finding) => [finding.id, finding]));
  const added = after.findings.filter((finding) => !old.has(finding.id));
  const resolved = before.findings.filter((finding) => !now.has(finding.id));
  const changed = after.findings.flatMap((finding) => {
    const earlier = old.get(finding.id);
    return earlier && (earlier.severity !== finding.severity || earlier.status !== finding.status)
      ? [{ id: finding.id, before: earlier, after: finding }]
      : [];
  });
  const facts = diffFacts(before.facts, after.facts);
  const names = [...new Set([...Object.keys(before.compliance), ...Object.keys(after.compliance)])].sort();
  const compliance = names.flatMap((name) => {
    const was = before.compliance[name] ?? null;
    const is = after.compliance[name] ?? null;
    return was === is ? [] : [{ cluster: name === '' ? null : name, before: was, after: is }];
  });
  const equal =
    added.length === 0 &&
    resolved.length === 0 &&
    changed.length === 0 &&
    facts.length === 0 &&
    compliance.length === 0;
  return { from: before.label, to: after.label, equal, facts, findings: { added, resolved, changed }, compliance };
}

const percent = (ratio: number | null) => (ratio === null ? 'n/a' : `${(ratio * 100).toFixed(1)}%`);
const findingLine = (finding: DiffFinding) =>
  `${finding.severity} ${finding.rule} ${finding.cluster ?? 'fleet'} ${finding.resource}${finding.status === 'waived' ? ' (waived)' : ''}: ${finding.message}`;

/** The diff as text for a terminal (cluster text is passed through `clean` by the caller's choice). */
export function renderDiffText(diff: LedgerDiff, clean: (text: string) => string): string[] {
  if (diff.equal) return [`no change from ${clean(diff.from)} to ${clean(diff.to)}`];
  return [
    `--- ${clean(diff.from)}`,
    `+++ ${clean(diff.to)}`,
    ...diff.compliance.map(
      (entry) =>
        `~ compliance ${entry.cluster === null ? 'fleet' : clean(entry.cluster)}: ${percent(entry.before)} -> ${percent(entry.after)}`,
    ),
    ...diff.findings.added.map((finding) => `+ finding ${clean(findingLine(finding))}`),
    ...diff.findings.resolved.map((finding) => `- finding ${clean(findingLine(finding))}`),
    ...diff.findings.changed.map(
      (entry) =>
        `~ finding ${clean(entry.after.rule)} ${clean(entry.after.cluster ?? 'fleet')} ${clean(entry.after.resource)}: ${entry.before.severity}/${entry.before.status} -> ${entry.after.severity}/${entry.after.status}`,
    ),
    ...diff.facts.map(
      (fact) =>
        `${fact.change === 'added' ? '+' : fact.change === 'removed' ? '-' : '~'} ${fact.area} ${clean(fact.cluster ?? 'fleet')} ${clean(fact.subject)}: ${clean(fact.description)}`,
    ),
    `${diff.findings.added.length} finding(s) new, ${diff.findings.resolved.length} resolved, ${diff.findings.changed.length} changed; ${diff.facts.length} fact change(s)`,
  ];
}
