/**
 * Generating the report of a period: load each cluster's latest snapshot of the period and the
 * trend index of the 12 periods before, evaluate, build the document, render every output, and
 * store it all once under `reports/<period>/<generatedAt>/` with a trend index entry and a run
 * manifest. Nothing is overwritten: a run at another instant writes a new folder, and re-running
 * at the same instant (`--now`) with the same ledger content stores identical bytes (no-ops).
 */
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { ConfigError, errorMessage, OperationalError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { prepareOutputDirectory } from '../core/outputDirectory.js';
import { assertPeriodStarted, type Period, parsePeriod, periodContaining, periodUpTo } from '../core/period.js';
import { firstLine } from '../core/text.js';
import { evaluateFleet } from '../evaluate/evaluate.js';
import { type KnownLedger, listLedgerSnapshots, loadLatestSnapshots } from '../evaluate/loadPeriod.js';
import { DEFAULT_THRESHOLDS, type RuleThresholds } from '../evaluate/thresholds.js';
import type { Waiver } from '../evaluate/types.js';
import {
  REPORT_FILES,
  type ReportFile,
  reportKey,
  reportPrefix,
  timestampForKey,
  trendIndexKey,
} from '../ledger/keys.js';
import { LedgerRun } from '../ledger/ledgerRun.js';
import { sha256Hex, type WrittenObject, writeTextPieces } from '../ledger/objects.js';
import { filterSnapshots } from '../ledger/snapshots.js';
import { type LedgerStore, ObjectExistsError } from '../ledger/store.js';
import type { Signer } from '../signing/signer.js';
import { type BuildReportInput, buildReport, isNoDataPeriod, type ReportSnapshot, reportAsOf } from './buildReport.js';
import { type ConfigurationSources, NO_CONFIGURATION_FILES, reportConfiguration } from './configuration.js';
import { DigestingLedgerStore } from './digestingStore.js';
import { EmptyPeriodError } from './emptyPeriod.js';
import { OutputCopies, OutputCopyError } from './outputCopies.js';
import { latestReportBefore, recordedReportsOf } from './recordedReports.js';
import { REPORT_CONTENT_TYPES, REPORT_FILE_METADATA, reportFileTexts } from './reportFiles.js';
import { ReportDocument, ReportLedger } from './schema.js';
import {
  loadHistory,
  type TrendIndexEntry,
  trendEntryFromReport,
  trendEntryHasData,
  writeTrendEntry,
} from './trendIndex.js';

/** How many earlier periods the trend reads (the series shows them plus this one, at most 12). */
export const HISTORY_PERIODS = 12;

/** The configured fleet, as far as the report needs it (see src/fleet/fleetFile.ts). */
export interface ReportFleet {
  /** aliases: other addresses of the cluster's API server (fleet file), for connectivity. */
  clusters: readonly { name: string; labels: Readonly<Record<string, string>>; aliases?: readonly string[] }[];
  /** The fleet file's `rules:`; null: the defaults. */
  rules: RuleThresholds | null;
}

export interface GenerateReportOptions {
  store: LedgerStore;
  /** ISO week, e.g. 2026-W48; default: the week containing `now`. */
  period?: string;
  /** IANA time zone the week is taken in; default UTC. */
  timeZone?: string;
  now: DateTime;
  waivers?: readonly Waiver[];
  fleet?: ReportFleet;
  /** A local directory to copy the files to. */
  out?: string;
  logger?: Logger;
  /**
   * Store an explicit no-data report (null scores, no trend entry) for a period without any
   * snapshot of an expected cluster; otherwise such a period throws EmptyPeriodError and nothing
   * is stored.
   */
  allowEmpty?: boolean;
  /** The fleet and waivers files as read (each once), recorded with their SHA-256 in `configuration`. */
  configurationFiles?: ConfigurationSources;
  /**
   * Why the report is generated (`--reason`), recorded with the earlier report of the period it
   * supersedes. Without it a report that supersedes another says that no reason was given.
   */
  reason?: string;
  /** Signs the run's opening and manifest; the report then rests only on evidence the key vouches for. */
  signer?: Signer | null;
  /** `--backfill`: allow a run time earlier than the newest run of the ledger (the report says so). */
  backfill?: boolean;
}

export interface GeneratedReport {
  doc: ReportDocument;
  /** Every key written to the store (run opening, report files, trend index entry, manifest signature, manifest). */
  writtenKeys: string[];
  /** The store folder of the report's files. */
  reportFolder: string;
  outDir?: string;
  /** Where the previous period's state came from. */
  previousSource: 'trend-index' | 'snapshots' | null;
}

interface LoadedPeriod {
  current: ReportSnapshot[];
  gaps: { key: string; error: string }[];
}

/** Each cluster's latest snapshot of the period, each read once and hashed on the way. */
async function loadPeriod(store: LedgerStore, period: Period, known: Required<KnownLedger>): Promise<LoadedPeriod> {
  const digesting = new DigestingLedgerStore(store);
  const { snapshots, gaps } = await loadLatestSnapshots(digesting, period, known);
  const current = snapshots.map(({ ref, snapshot }) => {
    const digest = digesting.digestOf(ref.key);
    if (!digest) throw new Error(`programmer error: snapshot ${ref.key} was not read through the digesting store`);
    return { ref: { key: ref.key, sha256: digest.sha256, size: digest.size }, snapshot };
  });
  return { current, gaps };
}

interface EvaluationSettings {
  waivers: readonly Waiver[];
  thresholds: RuleThresholds;
  fleet: ReportFleet | undefined;
  storeLocation: string;
  configurationFiles: ConfigurationSources;
}

function reportOn(
  period: Period,
  now: DateTime,
  loaded: LoadedPeriod,
  settings: EvaluationSettings,
  previous: TrendIndexEntry | null,
  history: readonly TrendIndexEntry[],
  succession: Pick<BuildReportInput, 'supersedes' | 'reason'> = {},
): ReportDocument {
  const evaluation = evaluateFleet(
    loaded.current.map((c) => c.snapshot),
    {
      // Judged at the report's as-of instant, so a past week's report reads the same whenever it is regenerated.
      now: reportAsOf(period, now),
      waivers: settings.waivers,
      thresholds: settings.thresholds,
      ...(settings.fleet
        ? {
            fleetClusters: settings.fleet.clusters.map((c) => ({
              name: c.name,
              labels: { ...c.labels },
              aliases: c.aliases ?? [],
            })),
          }
        : {}),
      // Without a fleet file, the clusters the ledger shows are expected (see expectedClusters.ts).
      unreadableSnapshots: loaded.gaps,
      previousClusters: Object.keys(previous?.clusters ?? {}),
    },
  );
  return buildReport({
    period,
    now,
    storeLocation: settings.storeLocation,
    current: loaded.current,
    gaps: loaded.gaps,
    evaluation,
    previous,
    history,
    ...(settings.fleet ? { fleetClusters: settings.fleet.clusters } : {}),
    waivers: settings.waivers,
    thresholds: settings.thresholds,
    configuration: reportConfiguration(settings.configurationFiles, settings.thresholds),
    ...succession,
  });
}

/**
 * The previous period's state when no earlier period has a trend index entry: evaluated from the
 * snapshots of the latest period before this one that has any (O(clusters) reads).
 */
async function previousFromSnapshots(
  store: LedgerStore,
  period: Period,
  settings: EvaluationSettings,
  known: Required<KnownLedger>,
): Promise<TrendIndexEntry | null> {
  const earlier = filterSnapshots(known.listed, { to: period.start }).filter((ref) => known.recorded.has(ref.key));
  const latest = earlier.reduce<string | null>(
    (max, ref) => (max === null || ref.collectedAt > max ? ref.collectedAt : max),
    null,
  );
  if (latest === null) return null;
  const previousPeriod = periodContaining(DateTime.fromISO(latest, { zone: 'utc' }), period.timeZone);
  const loaded = await loadPeriod(store, previousPeriod, known);
  if (loaded.current.length === 0) return null;
  const doc = reportOn(previousPeriod, previousPeriod.end, loaded, settings, null, []);
  return trendEntryFromReport(
    doc,
    loaded.current.map((c) => c.snapshot),
  );
}

/**
 * Every file of the report, as text (the whole of each at once: for small reports and tests;
 * generateReport stores each file's pieces as they are rendered). Throws when the OSCAL document
 * does not validate: a bug, never the input's fault.
 */
export function renderReportFiles(doc: ReportDocument): Record<ReportFile, string> {
  const files = {} as Record<ReportFile, string>;
  const sha256Of = (file: ReportFile) => sha256Hex(Buffer.from(files[file], 'utf8'));
  for (const { file, pieces } of reportFileTexts(ReportDocument.parse(doc), sha256Of)) {
    files[file] = [...pieces].join('');
  }
  return Object.fromEntries(REPORT_FILES.map((file) => [file, files[file]])) as Record<ReportFile, string>;
}

/**
 * Renders each file and writes it into the store (and its --out copy) as it is rendered, one file
 * after another (see reportFiles.ts); what was written, in REPORT_FILES order.
 */
async function storeReportFiles(
  store: LedgerStore,
  keyOf: (file: ReportFile) => string,
  doc: ReportDocument,
  copies: OutputCopies | null,
): Promise<WrittenObject[]> {
  const written = new Map<ReportFile, WrittenObject>();
  const writtenSha256 = (file: ReportFile) => {
    const stored = written.get(file);
    if (!stored) throw new Error(`programmer error: ${file} is asked for before it was written`);
    return stored.sha256;
  };
  for (const { file, pieces } of reportFileTexts(doc, writtenSha256)) {
    const options = { contentType: REPORT_CONTENT_TYPES[file], metadata: { ...REPORT_FILE_METADATA } };
    const stored = await writeTextPieces(store, keyOf(file), pieces, options, await copies?.copierOf(file));
    written.set(file, { key: stored.key, size: stored.size, sha256: stored.sha256 });
  }
  return REPORT_FILES.map((file) => {
    const stored = written.get(file);
    if (!stored) throw new Error(`programmer error: ${file} was not rendered`);
    return stored;
  });
}

/** Where the report stands in the ledger: the head it rests on, its key, and what was backfilled. */
function ledgerOfReport(run: LedgerRun, doc: ReportDocument, backfill: boolean): ReportLedger {
  const backfillRuns = new Set(run.readout.manifests.filter((m) => m.manifest.backfill).map((m) => m.key));
  return {
    head: run.head && { manifest: run.head.key, sha256: run.head.sha256 },
    signingKey: run.signingKey,
    backfill,
    backfilledEvidence: doc.evidence
      .map((item) => item.key)
      .filter((key) => backfillRuns.has(run.evidence.get(key)?.manifestKey ?? '')),
  };
}

/** The reason as recorded (trimmed); ConfigError when it says nothing. */
export function checkedReason(reason: string | undefined): string | undefined {
  const text = reason?.trim();
  if (text === '') throw new ConfigError('--reason: expected a text saying why the report is generated');
  return text;
}

/**
 * Generates, stores and (with `out`) exports the report of a period.
 *
 * @example
 * const { doc, writtenKeys } = await generateReport({ store: await openStore('./ledger'), now: DateTime.utc() });
 */
export async function generateReport(options: GenerateReportOptions): Promise<GeneratedReport> {
  const { store, now } = options;
  const timeZone = options.timeZone ?? 'UTC';
  const period = options.period ? parsePeriod(options.period, timeZone) : periodContaining(now, timeZone);
  const settings: EvaluationSettings = {
    waivers: options.waivers ?? [],
    thresholds: options.fleet?.rules ?? DEFAULT_THRESHOLDS,
    fleet: options.fleet,
    storeLocation: store.location,
    configurationFiles: options.configurationFiles ?? NO_CONFIGURATION_FILES,
  };
  assertPeriodStarted(period, now);
  const reason = checkedReason(options.reason);
  // Checked before anything is read or stored (see core/outputDirectory.ts).
  const outDir = options.out ? await prepareOutputDirectory('--out', options.out) : undefined;

  // The snapshot keys are listed once and the manifests read once: for what counts as evidence,
  // then to chain this run's manifest. A back-dated run stops here, before anything is written.
  const listed = await listLedgerSnapshots(store);
  const run = await LedgerRun.prepare(store, {
    kind: 'report',
    runAt: now,
    scope: {
      keys: [...REPORT_FILES.map((file) => reportKey(period.id, now, file)), trendIndexKey(period.id, now)],
      prefixes: [],
    },
    signer: options.signer ?? null,
    backfill: options.backfill ?? false,
  });
  const recorded = run.evidence;
  const known = { listed, recorded, abandoned: run.abandoned, untrusted: run.untrusted };
  // Only what had been collected by `now`: a report as of an earlier instant ignores later snapshots.
  const loaded = await loadPeriod(store, periodUpTo(period, now), known);
  if (isNoDataPeriod(loaded.current) && !options.allowEmpty) {
    throw new EmptyPeriodError(
      period,
      now,
      loaded.gaps.map((gap) => gap.key),
    );
  }
  const history = await loadHistory(store, period, HISTORY_PERIODS, recorded);
  // Deltas and the trend compare with the latest earlier period that had data (named in the report
  // as previousPeriod), never with a period without data, nor with a week that has no report.
  let previous = history.entries.findLast(trendEntryHasData) ?? null;
  const previousSource = previous ? 'trend-index' : null;
  if (!previous) previous = await previousFromSnapshots(store, period, settings, known);
  for (const gap of [...loaded.gaps, ...history.gaps]) {
    options.logger?.warn('unreadable object skipped', { key: gap.key, error: gap.error });
  }

  // A report names the one it replaces, by the hash its run manifest recorded: never itself (a
  // re-run at the same instant stores identical bytes), never a later one.
  const superseded = latestReportBefore(recordedReportsOf(recorded, period.id), now);
  const evaluated = reportOn(
    period,
    now,
    { current: loaded.current, gaps: [...loaded.gaps, ...history.gaps] },
    settings,
    previous,
    history.entries,
    {
      supersedes: superseded && {
        folder: superseded.folder,
        generatedAt: superseded.generatedAt,
        reportJsonSha256: superseded.reportJson.sha256,
        manifest: superseded.reportJson.manifestKey,
      },
      reason: reason ?? null,
    },
  );
  // buildReport validated the document; what is added here is validated on its own, not the document again.
  const ledger = ReportLedger.parse(ledgerOfReport(run, evaluated, options.backfill ?? false));
  const doc: ReportDocument = { ...evaluated, ledger };
  const written: WrittenObject[] = [];
  const copies = outDir ? new OutputCopies(outDir) : null;
  try {
    written.push(...(await storeReportFiles(run.store, (file) => reportKey(period.id, now, file), doc, copies)));
    // A no-data report has no trend entry: later reports never compare with a period without data.
    if (!doc.noData) {
      written.push(
        await writeTrendEntry(
          run.store,
          trendEntryFromReport(
            doc,
            loaded.current.map((c) => c.snapshot),
          ),
        ),
      );
    }
  } catch (error) {
    await copies?.discard();
    if (error instanceof ObjectExistsError) {
      throw new OperationalError(
        `a report of ${period.id} generated at ${doc.generatedAt} already exists with other content (${error.key}); nothing was overwritten: run again with another --now`,
      );
    }
    throw error;
  }
  const records = await run.finish(written).catch(async (error: unknown) => {
    await copies?.discard();
    throw error;
  });
  if (!records) throw new Error('programmer error: a report run that wrote its files has no opening');

  if (outDir && copies) {
    // The copies were written as the files were stored: they are put in place now that the report is.
    try {
      await copies.commit();
    } catch (error) {
      if (!(error instanceof OutputCopyError)) throw error;
      throw new OperationalError(
        `--out: cannot write ${join(outDir, error.file)} (${firstLine(errorMessage(error.problem))}); the report is stored in ${store.location} under ${reportPrefix(period.id)}${timestampForKey(now)}/`,
      );
    }
  }
  return {
    doc,
    writtenKeys: [
      records.opening.key,
      ...written.map((w) => w.key),
      records.index.key,
      ...(records.envelope ? [records.envelope.key] : []),
      records.manifest.key,
    ],
    reportFolder: `${reportPrefix(period.id)}${timestampForKey(now)}/`,
    ...(outDir ? { outDir } : {}),
    previousSource: previous ? (previousSource ?? 'snapshots') : null,
  };
}
