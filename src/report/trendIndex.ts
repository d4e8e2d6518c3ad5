/**
 * The trend index: one small JSON document per generated report, at
 * `index/trend/period=<period>/<generatedAt>.json`, holding what the next reports need to compare
 * against (scores, the findings with the period they were first seen in, and each cluster's facts).
 *
 * With it a report reads the latest entry of each of the last 12 periods instead of every
 * snapshot ever taken; the latest entry of a period wins (re-runs write new entries, never
 * overwrite). Only entries a run manifest records, with the bytes it recorded, count: an entry
 * planted or changed behind the ledger's back is skipped as a gap, not compared against.
 */
import { DateTime } from 'luxon';
import * as z from 'zod';
import { mapBounded } from '../core/concurrency.js';
import { type Period, shiftPeriod } from '../core/period.js';
import { Severity, SeverityCounts } from '../evaluate/types.js';
import { compareKeys, parseTrendIndexKey, trendIndexKey, trendIndexPrefix } from '../ledger/keys.js';
import { type RecordedObject, readManifests, recordedObjectsOf } from '../ledger/manifest.js';
import {
  CorruptObjectError,
  parseJsonObject,
  sha256Hex,
  type WrittenObject,
  writeTextPieces,
} from '../ledger/objects.js';
import type { LedgerStore } from '../ledger/store.js';
import { isoTimestamp, ratio, SECTION_NAMES, type Snapshot } from '../snapshot/schema.js';
import { jsonPieces } from './jsonPieces.js';
import { ClusterFacts, ReportClusterStatus, type ReportDocument } from './schema.js';

export const TREND_INDEX_FORMAT_VERSION = 1 as const;

export const TrendFinding = z.object({
  id: z.string(),
  rule: z.string(),
  severity: Severity,
  status: z.enum(['open', 'waived']),
  cluster: z.string().nullable(),
  clusters: z.array(z.string()).optional(),
  resource: z.string(),
  firstSeen: isoTimestamp.describe('when the finding was first seen (see the report schema)'),
});
export type TrendFinding = z.infer<typeof TrendFinding>;

export const TrendCluster = z.object({
  status: ReportClusterStatus,
  compliance: ratio.nullable(),
  coverage: ratio,
  open: SeverityCounts,
  facts: ClusterFacts.nullable(),
  notCollected: z
    .array(z.enum(SECTION_NAMES))
    .describe(
      'sections that were forbidden, errored, unreachable, skipped or only partly collected: their facts are (partly) unknown, not empty',
    ),
});
export type TrendCluster = z.infer<typeof TrendCluster>;

export const TrendIndexEntry = z.object({
  format: z.literal('fleetledger-trend-index'),
  formatVersion: z.literal(TREND_INDEX_FORMAT_VERSION),
  period: z.string(),
  periodStart: isoTimestamp,
  periodEnd: isoTimestamp,
  timeZone: z.string(),
  generatedAt: isoTimestamp,
  asOf: isoTimestamp.describe('the instant ages and expiry were judged at: generatedAt, at most the period end'),
  fleet: z.object({ compliance: ratio.nullable(), coverage: ratio, open: SeverityCounts, waived: SeverityCounts }),
  clusters: z.record(z.string(), TrendCluster),
  findings: z.array(TrendFinding),
});
export type TrendIndexEntry = z.infer<typeof TrendIndexEntry>;

/**
 * Sections of a snapshot whose content is unknown, in whole or in part (forbidden, error,
 * unreachable, skipped, partial): a fact missing there is not "removed".
 */
export function sectionsNotCollected(snapshot: Snapshot): TrendCluster['notCollected'] {
  return SECTION_NAMES.filter((name) => {
    const state = snapshot.meta.sections[name]?.state;
    return state !== undefined && state !== 'ok' && state !== 'absent';
  });
}

/**
 * The trend index entry of a report.
 *
 * @param snapshots the snapshots the report was built from (for the sections that were not collected)
 */
export function trendEntryFromReport(doc: ReportDocument, snapshots: readonly Snapshot[]): TrendIndexEntry {
  // The index summarises periods with data; a no-data report is never compared against.
  if (doc.noData) throw new Error(`programmer error: the no-data report of ${doc.period} has no trend index entry`);
  // As buildReport judged ages: at generation time, at most the end of the period.
  const asOf = Date.parse(doc.generatedAt) < Date.parse(doc.periodEnd) ? doc.generatedAt : doc.periodEnd;
  const notCollected = new Map(snapshots.map((s) => [s.meta.cluster, sectionsNotCollected(s)]));
  return TrendIndexEntry.parse({
    format: 'fleetledger-trend-index',
    formatVersion: TREND_INDEX_FORMAT_VERSION,
    period: doc.period,
    periodStart: doc.periodStart,
    periodEnd: doc.periodEnd,
    timeZone: doc.timeZone,
    generatedAt: doc.generatedAt,
    asOf,
    fleet: {
      compliance: doc.fleet.compliance,
      coverage: doc.fleet.coverage,
      open: doc.fleet.open,
      waived: doc.fleet.waived,
    },
    clusters: Object.fromEntries(
      doc.clusters.map((c) => [
        c.name,
        {
          status: c.status,
          compliance: c.compliance,
          coverage: c.coverage,
          open: c.open,
          facts: c.facts,
          notCollected: notCollected.get(c.name) ?? [],
        },
      ]),
    ),
    findings: doc.findings.map((f) => ({
      id: f.id,
      rule: f.rule,
      severity: f.severity,
      status: f.status,
      cluster: f.cluster ?? null,
      ...(f.clusters ? { clusters: f.clusters } : {}),
      resource: f.resource,
      firstSeen: f.firstSeen,
    })),
  });
}

/**
 * Whether the entry's period had data: a snapshot of at least one cluster. Reports of this version
 * write no entry for a period without data, but earlier versions did (every cluster missing,
 * coverage 0): such an entry is never compared against and shows as a gap in the trend.
 */
export function trendEntryHasData(entry: Pick<TrendIndexEntry, 'clusters'>): boolean {
  return Object.values(entry.clusters).some((cluster) => cluster.status !== 'missing');
}

/**
 * Stores an entry once at its key (identical re-writes are no-ops, see LedgerStore.put), written in
 * pieces as the report files are (jsonPieces: indented as `JSON.stringify(entry, null, 2)`, but a
 * finding per line, and a line break at the end): the entry of a cluster of 50,000 namespaces
 * lists 150,000 findings, and its text held whole was the report's last peak of memory.
 */
export async function writeTrendEntry(store: LedgerStore, entry: TrendIndexEntry): Promise<WrittenObject> {
  const valid = TrendIndexEntry.parse(entry);
  const generatedAt = DateTime.fromISO(valid.generatedAt, { zone: 'utc' });
  const written = await writeTextPieces(
    store,
    trendIndexKey(valid.period, generatedAt),
    jsonPieces(valid, { indent: 2, depth: 2, newline: true, itemsOnOneLine: true }),
    {
      contentType: 'application/json',
      metadata: { 'schema-version': String(TREND_INDEX_FORMAT_VERSION) },
    },
  );
  return { key: written.key, size: written.size, sha256: written.sha256 };
}

export interface TrendReadout {
  /** The newest readable entry of the period, or null. */
  entry: TrendIndexEntry | null;
  /** Entries that could not be read (newer ones than `entry`). */
  gaps: { key: string; error: string }[];
}

/** What the run manifests record, by key (see recordedObjectsOf). */
export type RecordedObjects = ReadonlyMap<string, RecordedObject>;

/** Every object the ledger's manifests record: one listing and one read per manifest. */
export async function readRecordedObjects(store: LedgerStore): Promise<RecordedObjects> {
  return recordedObjectsOf((await readManifests(store)).manifests);
}

/**
 * The newest readable entry of one period that a manifest records with the bytes it holds (a
 * corrupt, unrecorded or altered newest entry falls back to the one before).
 *
 * @param recorded what the manifests record; read from the store when not given
 */
export async function readLatestTrendEntry(
  store: LedgerStore,
  periodId: string,
  recorded?: RecordedObjects,
): Promise<TrendReadout> {
  const keys = (await store.list(trendIndexPrefix(periodId)))
    .map((object) => object.key)
    .filter((key) => parseTrendIndexKey(key)?.periodId === periodId)
    .sort(compareKeys);
  const gaps: TrendReadout['gaps'] = [];
  if (keys.length === 0) return { entry: null, gaps };
  const record = recorded ?? (await readRecordedObjects(store));
  for (const key of keys.reverse()) {
    const expected = record.get(key);
    if (!expected) {
      gaps.push({ key, error: 'recorded by no run manifest: not written by a report run, ignored' });
      continue;
    }
    try {
      const bytes = await store.get(key);
      const parsed = TrendIndexEntry.safeParse(parseJsonObject(key, bytes));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        gaps.push({ key, error: `not a trend index entry (${issue?.path.join('.')}: ${issue?.message})` });
        continue;
      }
      const actual = sha256Hex(bytes);
      if (actual === expected.sha256) return { entry: parsed.data, gaps };
      gaps.push({
        key,
        error: `SHA-256 ${actual} differs from ${expected.sha256} recorded by ${expected.manifestKey}: altered, ignored`,
      });
    } catch (error) {
      if (!(error instanceof CorruptObjectError)) throw error;
      gaps.push({ key, error: error.reason });
    }
  }
  return { entry: null, gaps };
}

export interface History {
  /** The latest entry of each earlier period that has one, oldest first. */
  entries: TrendIndexEntry[];
  gaps: { key: string; error: string }[];
}

/**
 * The trend index entries of the `count` periods before `period` (one list and usually one read
 * per period: O(count) entries however long the ledger's history), checked against the run
 * manifests (read once: one read per run, as recording the report's own run does).
 */
export async function loadHistory(
  store: LedgerStore,
  period: Period,
  count = 12,
  known?: RecordedObjects,
): Promise<History> {
  const periods = Array.from({ length: count }, (_, i) => shiftPeriod(period, i - count));
  // Read once for all periods (or passed in by a run that already read the manifests).
  const recorded = known ?? (await readRecordedObjects(store));
  const readouts = await mapBounded(periods, 4, (p) => readLatestTrendEntry(store, p.id, recorded));
  return {
    entries: readouts.flatMap((r) => (r.entry ? [r.entry] : [])),
    gaps: readouts.flatMap((r) => r.gaps),
  };
}
