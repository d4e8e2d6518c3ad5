/**
 * Hand-made inputs for buildReport: findings, scores and evaluations, so the report's trend
 * logic is tested on exactly the data each test states.
 */
import { DateTime } from 'luxon';
import { parsePeriod } from '../../src/core/period.js';
import { RULES } from '../../src/evaluate/catalog.js';
import { findingId } from '../../src/evaluate/findingId.js';
import type { CheckTally } from '../../src/evaluate/scores.js';
import type { Finding, Score, Severity, SeverityCounts, Waiver } from '../../src/evaluate/types.js';
import { type BuildReportInput, buildReport, type ReportEvaluation } from '../../src/report/buildReport.js';
import type { Area, ReportDocument } from '../../src/report/schema.js';
import { type TrendIndexEntry, trendEntryFromReport } from '../../src/report/trendIndex.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { makeSnapshot, type SnapshotOverrides } from '../support/snapshotFixture.js';

export function finding(
  rule: string,
  cluster: string,
  resource: string,
  options: { severity?: Severity; waiver?: Waiver; message?: string } = {},
): Finding {
  return {
    id: findingId(rule, [cluster], resource),
    rule,
    severity: options.severity ?? 'medium',
    cluster,
    resource,
    message: options.message ?? `${rule} on ${cluster} ${resource}`,
    evidence: {},
    status: options.waiver ? 'waived' : 'open',
    ...(options.waiver ? { waiver: options.waiver } : {}),
  };
}

export function counts(partial: Partial<SeverityCounts> = {}): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0, ...partial };
}

export function score(compliance: number | null, coverage: number, open: Partial<SeverityCounts> = {}): Score {
  return { compliance, coverage, applicable: 10, evaluated: 10, passed: 10, open: counts(open), waived: counts() };
}

/**
 * One check per cluster rule of the catalog, all evaluated, except in the areas named: there the
 * checks were not evaluated, or there are none (not applicable).
 */
export function tallies(
  cluster: string,
  areas: Partial<Record<Area, 'not-evaluated' | 'not-applicable'>> = {},
): CheckTally[] {
  return RULES.filter(
    (rule) => rule.scope === 'cluster' && rule.area !== null && areas[rule.area] !== 'not-applicable',
  ).map((rule) => {
    const evaluated = areas[rule.area!] === 'not-evaluated' ? 0 : 1;
    return { rule: rule.id, cluster, applicable: 1, evaluated, passed: evaluated };
  });
}

/** An evaluation whose scores are given and whose findings are the ones listed. */
export function evaluation(
  findings: Finding[],
  clusters: Record<string, Score>,
  fleet: Score = score(0.5, 1),
  missingClusters: string[] = [],
  checks: CheckTally[] = Object.keys(clusters).flatMap((cluster) => tallies(cluster)),
): ReportEvaluation {
  return { findings, scores: { fleet, clusters }, missingClusters, tallies: checks };
}

/** A snapshot of `cluster` collected at `at`, with the overrides. */
/** Namespaces of the given names, as a snapshot holds them. */
export const namespacesNamed = (...names: string[]) => names.map((name) => ({ name, labels: {}, phase: 'Active' }));

/** A snapshot's quotas with one ResourceQuota (pods 1 of 10) in `namespace`. */
export const quotaFor = (namespace: string) => ({
  resourceQuotas: [
    {
      namespace,
      name: 'compute',
      resources: [{ resource: 'pods', hard: '10', used: '1', hardValue: 10, usedValue: 1 }],
    },
  ],
  limitRanges: [],
});

export function snapshotAt(cluster: string, at: string, overrides: SnapshotOverrides = {}): Snapshot {
  const end = DateTime.fromISO(at, { zone: 'utc' }).plus({ seconds: 5 }).toISO()!;
  return makeSnapshot({ ...overrides, meta: { cluster, collectionStart: at, collectionEnd: end, ...overrides.meta } });
}

export function storedAs(snapshot: Snapshot): BuildReportInput['current'][number] {
  return {
    ref: {
      key: `snapshots/cluster=${snapshot.meta.cluster}/${snapshot.meta.collectionStart}.json.gz`,
      sha256: 'a'.repeat(64),
      size: 100,
    },
    snapshot,
  };
}

export interface PeriodRun {
  period: string;
  now: string;
  snapshots: Snapshot[];
  evaluation: ReportEvaluation;
  waivers?: Waiver[];
}

/** Builds the report of a period on top of the entries of the earlier runs, as generateReport does. */
export function reportOf(
  run: PeriodRun,
  history: TrendIndexEntry[] = [],
): { doc: ReportDocument; entry: TrendIndexEntry } {
  const now = DateTime.fromISO(run.now, { zone: 'utc' });
  const doc = buildReport({
    period: parsePeriod(run.period),
    now,
    storeLocation: '/ledger',
    current: run.snapshots.map(storedAs),
    gaps: [],
    evaluation: run.evaluation,
    previous: history.at(-1) ?? null,
    history,
    waivers: run.waivers ?? [],
  });
  return { doc, entry: trendEntryFromReport(doc, run.snapshots) };
}

/**
 * The no-data report of a period (no snapshot at all) whose evaluation expected the clusters
 * named: what `report --allow-empty` stores.
 */
export function noDataReportOf(run: {
  period: string;
  now: string;
  missingClusters: string[];
  checks?: CheckTally[];
}): ReportDocument {
  return buildReport({
    period: parsePeriod(run.period),
    now: DateTime.fromISO(run.now, { zone: 'utc' }),
    storeLocation: '/ledger',
    current: [],
    gaps: [],
    evaluation: evaluation([], {}, score(null, 0), run.missingClusters, run.checks ?? []),
    previous: null,
    history: [],
    waivers: [],
  });
}
