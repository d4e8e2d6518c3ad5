/**
 * The report document of one period: a pure function of the period's snapshots, their
 * evaluation and the trend index entries of earlier periods. Everything the HTML, e-mail, CSV
 * and policy reports show is decided here, so every renderer shows the same thing.
 */
import { DateTime } from 'luxon';
import { isoUtc } from '../core/clock.js';
import type { Period } from '../core/period.js';
import { FLEETLEDGER_VERSION } from '../core/version.js';
import type { Evaluation } from '../evaluate/evaluate.js';
import { missingReason, unreadableSnapshotsByCluster } from '../evaluate/expectedClusters.js';
import { type CheckTally, clustersConcerned } from '../evaluate/scores.js';
import { clusterProblemsOf } from '../evaluate/sectionProblems.js';
import type { RuleThresholds } from '../evaluate/thresholds.js';
import { type Finding, SEVERITIES, type Severity, type SeverityCounts, type Waiver } from '../evaluate/types.js';
import type { SectionName, Snapshot } from '../snapshot/schema.js';
import { areaOfFinding, areaResult } from './areas.js';
import { clusterFacts } from './clusterFacts.js';
import { reportConnectivity } from './connectedClusters.js';
import { type ClusterFactsAt, diffFacts } from './factChanges.js';
import {
  AREAS,
  type Area,
  type AreaResult,
  type ClusterFacts,
  type ClusterProblem,
  REPORT_SCHEMA_VERSION,
  type ReportCluster,
  type ReportConfiguration,
  ReportDocument,
  type ReportFinding,
  type SeriesPoint,
  type SupersededReport,
} from './schema.js';
import { secretReadsOf } from './secretReads.js';
import { skippedNamespacesReport } from './skippedNamespaces.js';
import { sectionsNotCollected, type TrendFinding, type TrendIndexEntry, trendEntryHasData } from './trendIndex.js';

/** How many periods the series shows, this one included. */
export const SERIES_LENGTH = 12;

/** What the evaluation of the period's snapshots gave (evaluateFleet's result). */
export type ReportEvaluation = Pick<Evaluation, 'findings' | 'scores' | 'missingClusters' | 'tallies'> &
  Partial<Pick<Evaluation, 'connectivity' | 'unevaluated'>>;

/** A snapshot used by the report, with the hash of its stored bytes. */
export interface ReportSnapshot {
  ref: { key: string; sha256: string; size: number };
  snapshot: Snapshot;
}

/**
 * The previous period as the trend sees it: its latest trend index entry, or one computed from
 * its snapshots when no report was generated for it.
 */
export type PreviousPeriodState = TrendIndexEntry;

export interface BuildReportInput {
  period: Period;
  now: DateTime;
  storeLocation: string;
  current: readonly ReportSnapshot[];
  gaps: readonly { key: string; error: string }[];
  evaluation: ReportEvaluation;
  previous: PreviousPeriodState | null;
  /** Trend index entries of earlier periods, any order (only periods before this one are used). */
  history: readonly TrendIndexEntry[];
  /** The configured clusters (fleet file): their labels win over the snapshots' (as in the evaluation). */
  fleetClusters?: readonly { name: string; labels: Readonly<Record<string, string>> }[];
  waivers: readonly Waiver[];
  /** The rule settings the evaluation used (default: the defaults): which namespaces were skipped, which rules ran. */
  thresholds?: Partial<RuleThresholds>;
  /** What produced the report (configuration.ts); recorded as given. */
  configuration?: ReportConfiguration;
  /** The earlier report of the period this one replaces (recordedReports.ts); default none. */
  supersedes?: SupersededReport | null;
  /** Why this report was generated (--reason); default none. */
  reason?: string | null;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const severityRank = (severity: Severity) => SEVERITIES.indexOf(severity);

function zeroCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}

function countBySeverity(findings: readonly { severity: Severity }[]): SeverityCounts {
  const counts = zeroCounts();
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

/** A difference of two ratios, rounded to 0.01 % so the JSON shows 0.1, not 0.10000000000000009. */
export function ratioDelta(now: number | null | undefined, before: number | null | undefined): number | null {
  if (now == null || before == null) return null;
  return Math.round((now - before) * 10_000) / 10_000;
}

/**
 * The instant ages and expiry are judged at: now, or the period's end for a report on a period
 * that is over (so a past week's report says the same whenever it is regenerated).
 */
export function reportAsOf(period: Period, now: DateTime): DateTime {
  return now < period.end ? now.toUTC() : period.end.toUTC();
}

const findingClusters = (f: { cluster?: string | null; clusters?: readonly string[] }): string[] =>
  f.clusters ? [...f.clusters] : f.cluster ? [f.cluster] : [];

function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    byText(a.rule, b.rule) ||
    byText(findingClusters(a).join(','), findingClusters(b).join(',')) ||
    byText(a.resource, b.resource) ||
    byText(a.id, b.id)
  );
}

interface ClusterContext {
  name: string;
  snapshot: Snapshot | undefined;
  status: ReportCluster['status'];
  notCollected: SectionName[];
  /** Keys of the cluster's snapshots of the period that could not be read. */
  unreadable: readonly string[];
}

/** In people's words (the raw errors stay in the cluster's `problems`). */
function statusReason(ctx: ClusterContext, periodId: string, problems: readonly ClusterProblem[]): string | null {
  if (ctx.status === 'missing') return missingReason(ctx.unreadable, periodId);
  return problems.length > 0 ? problems.map((problem) => problem.summary).join('; ') : null;
}

/**
 * Whether a previous finding could have been seen again: not when its cluster is missing or
 * unreachable now, or a check of its rule on that cluster could not be evaluated (a section not
 * collected). Such a finding is neither resolved nor persisting: it is unknown.
 */
function couldBeRechecked(
  finding: TrendFinding,
  clusters: ReadonlyMap<string, ClusterContext>,
  notFullyEvaluated: ReadonlySet<string>,
): boolean {
  return findingClusters(finding).every((name) => {
    const ctx = clusters.get(name);
    // Not expected (see expectedClusters.ts): the cluster left the configured fleet, its findings went with it.
    if (!ctx) return true;
    if (ctx.status === 'missing' || ctx.status === 'unreachable') return false;
    return !notFullyEvaluated.has(ruleOnCluster(finding.rule, name));
  });
}

const ruleOnCluster = (rule: string, cluster: string) => `${rule}\u0000${cluster}`;

/** The (rule, cluster) pairs with a check that could not be evaluated, for couldBeRechecked. */
function notFullyEvaluated(tallies: readonly CheckTally[]): Set<string> {
  return new Set(
    tallies
      .filter((t) => t.cluster !== null && t.evaluated < t.applicable)
      .map((t) => ruleOnCluster(t.rule, t.cluster!)),
  );
}

/** Each cluster's open findings (a fleet finding under each of its clusters), in the order given. */
function openFindingsByCluster(findings: readonly ReportFinding[]): Map<string, ReportFinding[]> {
  const byCluster = new Map<string, ReportFinding[]>();
  for (const finding of findings) {
    if (finding.status !== 'open') continue;
    for (const cluster of clustersConcerned(finding)) {
      const list = byCluster.get(cluster);
      if (list) list.push(finding);
      else byCluster.set(cluster, [finding]);
    }
  }
  return byCluster;
}

function seriesPoint(
  period: string,
  scores: { compliance: number | null; coverage: number | null; open: SeverityCounts },
): SeriesPoint {
  return { period, compliance: scores.compliance, coverage: scores.coverage, open: scores.open };
}

/** A period without data in the series: a gap in the chart, never a 0% point. */
function noDataPoint(period: string): SeriesPoint {
  return { period, compliance: null, coverage: null, open: zeroCounts() };
}

function sameWaiver(a: Waiver, b: Waiver): boolean {
  return (
    a.rule === b.rule &&
    a.cluster === b.cluster &&
    a.resource === b.resource &&
    a.owner === b.owner &&
    a.expires === b.expires &&
    a.reason === b.reason
  );
}

/**
 * Whether the period has no data: no snapshot of any expected cluster could be loaded. Such a
 * period is no report (generateReport stops) unless explicitly stored as a no-data report.
 */
export function isNoDataPeriod(current: readonly ReportSnapshot[]): boolean {
  return current.length === 0;
}

/**
 * Builds and validates the report document. A period without data (isNoDataPeriod) gives a
 * no-data report: the expected clusters listed as missing, every score null (not 0%: nothing was
 * evaluated), no findings, no trend and no delta, so nothing can be read as a result.
 *
 * @example
 * const doc = buildReport({ period, now, storeLocation: store.location, current, gaps, evaluation,
 *   previous: history.entries.at(-1) ?? null, history: history.entries, waivers });
 */
export function buildReport(input: BuildReportInput): ReportDocument {
  const { period } = input;
  const noData = isNoDataPeriod(input.current);
  // Nothing was evaluated: findings a rule made about the absence itself (SNAPSHOT-MISSING, ...)
  // are not results of this period, and scores are unknown rather than zero.
  const evaluation: ReportEvaluation = noData
    ? {
        ...input.evaluation,
        findings: [],
        scores: { fleet: { ...input.evaluation.scores.fleet, open: zeroCounts(), waived: zeroCounts() }, clusters: {} },
      }
    : input.evaluation;
  const previous = noData ? null : input.previous;
  const asOf = reportAsOf(period, input.now);
  const periodStart = isoUtc(period.start);
  const snapshots = new Map(input.current.map((c) => [c.snapshot.meta.cluster, c]));
  const unreadable = unreadableSnapshotsByCluster(input.gaps);
  const configuredLabels = new Map((input.fleetClusters ?? []).map((c) => [c.name, c.labels]));
  const names = [...new Set([...snapshots.keys(), ...configuredLabels.keys(), ...evaluation.missingClusters])].sort(
    byText,
  );

  const contexts = new Map<string, ClusterContext>(
    names.map((name) => {
      const snapshot = snapshots.get(name)?.snapshot;
      const ctx: ClusterContext = {
        name,
        snapshot,
        status: snapshot ? snapshot.meta.status : 'missing',
        notCollected: snapshot ? sectionsNotCollected(snapshot) : [],
        unreadable: unreadable.get(name) ?? [],
      };
      return [name, ctx];
    }),
  );

  // Findings, with when each was first seen (carried in the trend index from period to period): a
  // new finding was first seen when its cluster's snapshot (the earliest, for a fleet finding) was
  // collected; without one (a missing cluster, a waiver), at the start of the period.
  const previousFindings = new Map((previous?.findings ?? []).map((f) => [f.id, f]));
  const collectedAt = (cluster: string) => snapshots.get(cluster)?.snapshot.meta.collectionStart;
  const seenNow = (f: (typeof evaluation.findings)[number]): string =>
    [...(f.cluster !== undefined ? [f.cluster] : []), ...(f.clusters ?? [])]
      .map(collectedAt)
      .filter((at): at is string => at !== undefined)
      .sort()[0] ?? periodStart;
  // Findings of one snapshot share their first-seen instant: its age is computed once.
  const ages = new Map<string, number>();
  const ageInDays = (firstSeen: string): number => {
    let age = ages.get(firstSeen);
    if (age === undefined) {
      age = Math.max(0, Math.floor(asOf.diff(DateTime.fromISO(firstSeen, { zone: 'utc' }), 'days').days));
      ages.set(firstSeen, age);
    }
    return age;
  };
  const findings: ReportFinding[] = [...evaluation.findings].sort(compareFindings).map((f) => {
    const before = previousFindings.get(f.id);
    const firstSeen = before?.firstSeen ?? seenNow(f);
    const ageDays = ageInDays(firstSeen);
    return {
      id: f.id,
      rule: f.rule,
      severity: f.severity,
      status: f.status,
      ...(f.cluster !== undefined ? { cluster: f.cluster } : {}),
      ...(f.clusters !== undefined ? { clusters: [...f.clusters] } : {}),
      resource: f.resource,
      message: f.message,
      area: areaOfFinding(f),
      firstSeen,
      ageDays,
      trend: before ? 'persisting' : 'new',
      ...(f.waiver ? { waiver: f.waiver } : {}),
      evidence: f.evidence,
    };
  });
  const currentIds = new Set(findings.map((f) => f.id));
  const unevaluatedChecks = notFullyEvaluated(evaluation.tallies);
  const resolved = [...previousFindings.values()]
    .filter((f) => !currentIds.has(f.id) && couldBeRechecked(f, contexts, unevaluatedChecks))
    .sort((a, b) => byText(a.id, b.id));

  // Clusters.
  const previousClusters = previous?.clusters ?? {};
  const clusterTallies = new Map<string, CheckTally[]>();
  for (const tally of evaluation.tallies) {
    if (tally.cluster === null) continue;
    const list = clusterTallies.get(tally.cluster);
    if (list) list.push(tally);
    else clusterTallies.set(tally.cluster, [tally]);
  }
  const openByCluster = openFindingsByCluster(findings);
  const clusters: ReportCluster[] = names.map((name) => {
    const ctx = contexts.get(name)!;
    const score = evaluation.scores.clusters[name];
    const stored = snapshots.get(name);
    const openFindings = openByCluster.get(name) ?? [];
    // A cluster that was missing then had no data to compare with: its deltas are null.
    const before = previousClusters[name]?.status === 'missing' ? undefined : previousClusters[name];
    const compliance = ctx.status === 'missing' ? null : (score?.compliance ?? null);
    const coverage = noData ? null : ctx.status === 'missing' ? 0 : (score?.coverage ?? 0);
    const facts: ClusterFacts | null =
      ctx.snapshot && ctx.status !== 'unreachable' ? clusterFacts(ctx.snapshot, input.thresholds ?? {}) : null;
    const problems = ctx.snapshot ? clusterProblemsOf(ctx.snapshot.meta) : [];
    const reason = statusReason(ctx, period.id, problems);
    // A missing cluster has no snapshot to have problems: its reason explains every area.
    const areaProblems = ctx.status === 'missing' && reason !== null ? [{ section: null, summary: reason }] : problems;
    return {
      name,
      // The fleet file is the source of truth for labels (as in the evaluation); snapshots carry those of their day.
      labels: { ...(configuredLabels.get(name) ?? ctx.snapshot?.meta.labels ?? {}) },
      status: ctx.status,
      statusReason: reason,
      compliance,
      coverage,
      delta: {
        compliance: ratioDelta(compliance, before?.compliance),
        coverage: ratioDelta(coverage, before?.coverage),
      },
      open: score?.open ?? countBySeverity(openFindings),
      snapshotKey: stored?.ref.key ?? null,
      collectedAt: ctx.snapshot?.meta.collectionStart ?? null,
      areas: Object.fromEntries(
        AREAS.map((area) => [area, areaResult(area, openFindings, clusterTallies.get(name) ?? [], areaProblems)]),
      ) as Record<Area, AreaResult>,
      facts,
      secretReads: secretReadsOf(ctx.snapshot, evaluation.unevaluated ?? []),
      problems,
      skippedNamespaces: skippedNamespacesReport(
        ctx.status === 'missing' ? undefined : ctx.snapshot,
        input.thresholds ?? {},
      ),
    };
  });

  // What changed since the previous period.
  const currentFacts: Record<string, ClusterFactsAt> = Object.fromEntries(
    clusters.map((c) => [c.name, { facts: c.facts, notCollected: contexts.get(c.name)!.notCollected }]),
  );
  const changes = previous
    ? diffFacts({ asOf: previous.asOf, clusters: previous.clusters }, { asOf: isoUtc(asOf), clusters: currentFacts })
    : [];

  // The series: earlier periods from the trend index, oldest first, this one last.
  const earlier = [...input.history]
    .filter((entry) => entry.periodStart < periodStart)
    .sort((a, b) => byText(a.periodStart, b.periodStart))
    .slice(-(SERIES_LENGTH - 1));
  const fleetScore = noData
    ? { ...evaluation.scores.fleet, compliance: null, coverage: null }
    : evaluation.scores.fleet;
  const clusterSeries = Object.fromEntries(
    clusters.map((c) => [
      c.name,
      [
        ...earlier.flatMap((entry) => {
          const point = entry.clusters[c.name];
          if (!point) return [];
          return [point.status === 'missing' ? noDataPoint(entry.period) : seriesPoint(entry.period, point)];
        }),
        c.status === 'missing' ? noDataPoint(period.id) : seriesPoint(period.id, c),
      ],
    ]),
  );

  const asOfDay = asOf.toUTC().toFormat('yyyy-MM-dd');
  const countStatus = (status: ReportCluster['status']) => clusters.filter((c) => c.status === status).length;
  const doc: ReportDocument = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    period: period.id,
    periodStart,
    periodEnd: isoUtc(period.end),
    timeZone: period.timeZone,
    generatedAt: isoUtc(input.now),
    fleetledgerVersion: FLEETLEDGER_VERSION,
    store: input.storeLocation,
    previousPeriod: previous?.period ?? null,
    fleet: {
      compliance: fleetScore.compliance,
      coverage: fleetScore.coverage,
      delta: {
        compliance: ratioDelta(fleetScore.compliance, previous?.fleet.compliance),
        coverage: ratioDelta(fleetScore.coverage, previous?.fleet.coverage),
      },
      open: fleetScore.open,
      waived: fleetScore.waived,
      clusters: {
        total: clusters.length,
        ok: countStatus('ok'),
        partial: countStatus('partial'),
        unreachable: countStatus('unreachable'),
        missing: countStatus('missing'),
      },
    },
    clusters,
    findings,
    trend: {
      new: findings.filter((f) => f.trend === 'new').map((f) => f.id),
      resolved: resolved.map((f) => f.id),
      persisting: findings.filter((f) => f.trend === 'persisting').map((f) => f.id),
      resolvedFindings: resolved.map((f) => ({
        id: f.id,
        rule: f.rule,
        cluster: f.cluster ?? (f.clusters?.length ? f.clusters.join(', ') : null),
        resource: f.resource,
      })),
      changes,
      series: {
        fleet: [
          ...earlier.map((entry) =>
            trendEntryHasData(entry) ? seriesPoint(entry.period, entry.fleet) : noDataPoint(entry.period),
          ),
          seriesPoint(period.id, fleetScore),
        ],
        clusters: clusterSeries,
      },
    },
    waivers: input.waivers.map((waiver) => ({
      ...waiver,
      expired: waiver.expires < asOfDay,
      matched: findings.filter((f) => f.status === 'waived' && f.waiver && sameWaiver(f.waiver, waiver)).length,
    })),
    evidence: input.current
      .map(({ ref, snapshot }) => ({
        cluster: snapshot.meta.cluster,
        key: ref.key,
        sha256: ref.sha256,
        size: ref.size,
        collectedAt: snapshot.meta.collectionStart,
      }))
      .sort((a, b) => byText(a.cluster, b.cluster) || byText(a.key, b.key)),
    gaps: [...input.gaps],
    ...(evaluation.connectivity ? { connectivity: reportConnectivity(evaluation.connectivity) } : {}),
    noData,
    ...(input.configuration ? { configuration: input.configuration } : {}),
    supersedes: input.supersedes ?? null,
    reason: input.reason ?? null,
    // Nothing was evaluated in a no-data report: the checks made about the absence are no result.
    checks: noData
      ? []
      : evaluation.tallies.map((t) => ({
          rule: t.rule,
          cluster: t.cluster,
          applicable: t.applicable,
          evaluated: t.evaluated,
          passed: t.passed,
        })),
  };
  return ReportDocument.parse(doc);
}
