/**
 * The one module that knows the ledger's key layout. Everything else builds and parses keys here.
 *
 *   snapshots/cluster=<name>/date=<YYYY-MM-DD>/<collectedAt>.json.gz
 *   manifests/<runAt>-<discriminator>.json
 *   manifests/<runAt>-<discriminator>.dsse.json      the manifest's signature (DSSE envelope)
 *   openings/<runAt>-<discriminator>.dsse.json       a run's opening record, written before its objects
 *   reports/<period>/<generatedAt>/<file>
 *   index/trend/period=<period>/<generatedAt>.json
 *   index/chain/<runAt>-<discriminator>.json        the chain index a run read (chainIndex.ts; runs before the heads index)
 *   index/heads/<runAt>-<discriminator>.json        the heads index a run left (headsIndex.ts)
 *
 * Timestamps in keys are ISO 8601 UTC with milliseconds and ':' replaced by '-' (colons are awkward
 * in file names and URLs), so keys of one kind sort chronologically. The `name=value` folders follow
 * the Hive convention, so Athena or any Hive-style engine can query the ledger; cluster names are
 * percent-encoded (as Hive escapes partition values) so no name can break out of its folder.
 */
import { DateTime } from 'luxon';
import { isoUtc } from '../core/clock.js';
import type { Period } from '../core/period.js';

export const SNAPSHOTS_PREFIX = 'snapshots/';
export const MANIFESTS_PREFIX = 'manifests/';
export const REPORTS_PREFIX = 'reports/';
export const TREND_INDEX_PREFIX = 'index/trend/';
export const CHAIN_INDEX_PREFIX = 'index/chain/';
export const HEADS_INDEX_PREFIX = 'index/heads/';

/** The files a generated report consists of. */
export const REPORT_FILES = [
  'report.json',
  'report.html',
  'findings.csv',
  'policyreport.yaml',
  'email.html',
  'email.txt',
  'assessment-results.json',
  'openreports.yaml',
] as const;
export type ReportFile = (typeof REPORT_FILES)[number];

/** A key that would escape the store root or is not a plain relative path: a programmer error. */
export class InvalidKeyError extends Error {
  override readonly name = 'InvalidKeyError';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid ledger key "${key}": ${reason}`);
  }
}

// Control characters would make keys unprintable in reports and logs.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function keyProblem(key: string, allowTrailingSlash: boolean): string | null {
  if (key.startsWith('/')) return 'must be relative (no leading /)';
  if (key.includes('\\')) return 'must not contain a backslash';
  if (CONTROL_CHARACTERS.test(key)) return 'must not contain control characters';
  const segments = key.split('/');
  if (allowTrailingSlash && segments.at(-1) === '') segments.pop();
  for (const segment of segments) {
    if (segment === '') return 'must not contain empty path segments';
    if (segment === '.' || segment === '..') return 'must not contain . or .. segments';
  }
  return null;
}

/**
 * Why the text cannot be a ledger key (or, as a `prefix`, a list prefix or the prefix of an S3
 * location), or null when it can. The one statement of the rules: stores, locations and the
 * keys users give (`share --key`) all ask here.
 */
export function keyProblemOf(key: string, kind: 'key' | 'prefix' = 'key'): string | null {
  if (kind === 'prefix') return key === '' ? null : keyProblem(key, true);
  if (key === '') return 'must not be empty';
  if (key.endsWith('/')) return 'must not end with /';
  return keyProblem(key, false);
}

/** Throws InvalidKeyError unless the key is a non-empty relative '/'-separated path without . or .. segments. */
export function assertValidKey(key: string): void {
  const problem = keyProblemOf(key);
  if (problem) throw new InvalidKeyError(key, problem);
}

/** A list prefix: empty (everything) or a valid key, optionally ending with '/'. */
export function assertValidPrefix(prefix: string): void {
  const problem = keyProblemOf(prefix, 'prefix');
  if (problem) throw new InvalidKeyError(prefix, problem);
}

/** Byte-order comparison (what S3 list order is), the one sort order of the ledger. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

const TIMESTAMP_IN_KEY = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})(\.\d{3})?Z$/;

/** `2026-11-25T09:00:00.000Z` -> `2026-11-25T09-00-00.000Z`. */
export function timestampForKey(instant: DateTime): string {
  return isoUtc(instant).replaceAll(':', '-');
}

/**
 * The instant a key's timestamp names, as isoUtc writes it; null when the text is not one. Without
 * a date library: a run parses every manifest and opening key it lists (3,000 after 1,000 runs),
 * and parsing each through luxon took about 0.2 s of a run.
 */
export function isoFromKeyTimestamp(text: string): string | null {
  const match = TIMESTAMP_IN_KEY.exec(text);
  if (!match) return null;
  // 24:00 is the next midnight in ISO 8601: rare enough for the date library.
  if (match[2] === '24') {
    const instant = parseTimestampFromKey(text);
    return instant ? isoUtc(instant) : null;
  }
  const date = match[1]!;
  const [year, month, day] = [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= days &&
    Number(match[2]) < 24 &&
    Number(match[3]) < 60 &&
    Number(match[4]) < 60;
  return valid ? `${date}T${match[2]}:${match[3]}:${match[4]}${match[5] ?? '.000'}Z` : null;
}

/** The inverse of timestampForKey; null when the text is not one. */
export function parseTimestampFromKey(text: string): DateTime<true> | null {
  const match = TIMESTAMP_IN_KEY.exec(text);
  if (!match) return null;
  const parsed = DateTime.fromISO(`${match[1]}T${match[2]}:${match[3]}:${match[4]}${match[5] ?? ''}Z`, { zone: 'utc' });
  return parsed.isValid ? parsed : null;
}

function instantOf(iso: string): DateTime<true> {
  const parsed = DateTime.fromISO(iso, { zone: 'utc' });
  if (!parsed.isValid) throw new Error(`not an ISO 8601 timestamp: "${iso}"`);
  return parsed;
}

// ---- snapshots -------------------------------------------------------------------------------

/** Where a cluster's snapshot collected at `collectionStart` (ISO 8601) lives. */
export function snapshotKey(cluster: string, collectionStart: string | DateTime): string {
  const start = typeof collectionStart === 'string' ? instantOf(collectionStart) : collectionStart.toUTC();
  const date = start.toUTC().toFormat('yyyy-MM-dd');
  const key = `${snapshotPrefix(cluster)}date=${date}/${timestampForKey(start)}.json.gz`;
  assertValidKey(key);
  return key;
}

/** `snapshots/` or, for one cluster, `snapshots/cluster=<name>/`. */
export function snapshotPrefix(cluster?: string): string {
  if (cluster === undefined) return SNAPSHOTS_PREFIX;
  if (cluster === '') throw new InvalidKeyError('', 'cluster name must not be empty');
  return `${SNAPSHOTS_PREFIX}cluster=${encodeURIComponent(cluster)}/`;
}

export interface SnapshotKeyParts {
  cluster: string;
  /** YYYY-MM-DD (UTC) */
  date: string;
  /** ISO 8601 UTC, e.g. 2026-11-25T09:00:00.000Z */
  collectedAt: string;
}

const SNAPSHOT_KEY = /^snapshots\/cluster=([^/]+)\/date=(\d{4}-\d{2}-\d{2})\/([^/]+)\.json\.gz$/;

/** The parts of a snapshot key; null when the key is not one (or its date and time disagree). */
export function parseSnapshotKey(key: string): SnapshotKeyParts | null {
  const match = SNAPSHOT_KEY.exec(key);
  if (!match) return null;
  const instant = parseTimestampFromKey(match[3]!);
  if (!instant || instant.toFormat('yyyy-MM-dd') !== match[2]) return null;
  let cluster: string;
  try {
    cluster = decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
  return { cluster, date: match[2]!, collectedAt: isoUtc(instant) };
}

// ---- manifests -------------------------------------------------------------------------------

/**
 * `manifests/<runAt>-<discriminator>.json`. The run time first makes manifests sort by run; the
 * discriminator (a short hash of the manifest) keeps two runs at the same instant apart.
 */
export function manifestKey(runAt: DateTime, discriminator: string): string {
  if (!/^[0-9a-z]+$/.test(discriminator)) throw new InvalidKeyError(discriminator, 'discriminator must be [0-9a-z]+');
  return `${MANIFESTS_PREFIX}${timestampForKey(runAt)}-${discriminator}.json`;
}

const MANIFEST_KEY = /^manifests\/(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d{3})?Z)-([0-9a-z]+)\.json$/;

export function parseManifestKey(key: string): { runAt: string; discriminator: string } | null {
  const match = MANIFEST_KEY.exec(key);
  const runAt = match ? isoFromKeyTimestamp(match[1]!) : null;
  return match && runAt ? { runAt, discriminator: match[2]! } : null;
}

// ---- reports and the trend index -------------------------------------------------------------

const PERIOD_ID = /^\d{4}-W\d{2}$/;

function checkPeriodId(periodId: string): void {
  if (!PERIOD_ID.test(periodId)) throw new InvalidKeyError(periodId, 'period must look like 2026-W48');
}

/** `reports/<period>/<generatedAt>/<file>`. */
export function reportKey(periodId: string, generatedAt: DateTime, file: ReportFile): string {
  return `${reportPrefix(periodId)}${timestampForKey(generatedAt)}/${file}`;
}

/** `reports/` or `reports/<period>/`. */
export function reportPrefix(periodId?: string): string {
  if (periodId === undefined) return REPORTS_PREFIX;
  checkPeriodId(periodId);
  return `${REPORTS_PREFIX}${periodId}/`;
}

const REPORT_KEY = /^reports\/(\d{4}-W\d{2})\/([^/]+)\/([^/]+)$/;

export function parseReportKey(key: string): { periodId: string; generatedAt: string; file: string } | null {
  const match = REPORT_KEY.exec(key);
  const instant = match ? parseTimestampFromKey(match[2]!) : null;
  return match && instant ? { periodId: match[1]!, generatedAt: isoUtc(instant), file: match[3]! } : null;
}

/** `index/trend/period=<period>/<generatedAt>.json`: one small summary per generated report. */
export function trendIndexKey(periodId: string, generatedAt: DateTime): string {
  return `${trendIndexPrefix(periodId)}${timestampForKey(generatedAt)}.json`;
}

/** `index/trend/` or `index/trend/period=<period>/`. */
export function trendIndexPrefix(periodId?: string): string {
  if (periodId === undefined) return TREND_INDEX_PREFIX;
  checkPeriodId(periodId);
  return `${TREND_INDEX_PREFIX}period=${periodId}/`;
}

const TREND_INDEX_KEY = /^index\/trend\/period=(\d{4}-W\d{2})\/([^/]+)\.json$/;

export function parseTrendIndexKey(key: string): { periodId: string; generatedAt: string } | null {
  const match = TREND_INDEX_KEY.exec(key);
  const instant = match ? parseTimestampFromKey(match[2]!) : null;
  return match && instant ? { periodId: match[1]!, generatedAt: isoUtc(instant) } : null;
}

// ---- periods ---------------------------------------------------------------------------------

/**
 * Whether an object belongs to a reporting period, judged from its key alone: snapshots by
 * collection time, manifests (their signatures, run openings) by run time, reports and trend entries by the period they report on.
 * Keys of no known kind belong to no period.
 */
export function keyBelongsToPeriod(key: string, period: Period): boolean {
  const within = (iso: string) => {
    const instant = instantOf(iso);
    return instant >= period.start && instant < period.end;
  };
  const snapshot = parseSnapshotKey(key);
  if (snapshot) return within(snapshot.collectedAt);
  const manifest =
    parseManifestKey(key) ??
    parseManifestEnvelopeKey(key) ??
    parseOpeningKey(key) ??
    parseChainIndexKey(key) ??
    parseHeadsIndexKey(key);
  if (manifest) return within(manifest.runAt);
  const report = parseReportKey(key) ?? parseTrendIndexKey(key);
  if (report) return report.periodId === period.id;
  return false;
}

// ---- signatures and run openings ---------------------------------------------------------------

/** Run openings: one per run, written before any of its objects (see ledgerRun.ts). */
export const OPENINGS_PREFIX = 'openings/';
const ENVELOPE_SUFFIX = '.dsse.json';

/** The signature of a manifest sits next to it: `manifests/X.json` -> `manifests/X.dsse.json`. */
export function manifestEnvelopeKey(manifestKey: string): string {
  if (!parseManifestKey(manifestKey)) throw new InvalidKeyError(manifestKey, 'not a manifest key');
  return `${manifestKey.slice(0, -'.json'.length)}${ENVELOPE_SUFFIX}`;
}

const MANIFEST_ENVELOPE_KEY = /^(manifests\/\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d{3})?Z-[0-9a-z]+)\.dsse\.json$/;

/** The manifest a signature key belongs to (which may be absent), and its run time; null otherwise. */
export function parseManifestEnvelopeKey(key: string): { manifestKey: string; runAt: string } | null {
  const match = MANIFEST_ENVELOPE_KEY.exec(key);
  const manifest = match ? parseManifestKey(`${match[1]}.json`) : null;
  return match && manifest ? { manifestKey: `${match[1]}.json`, runAt: manifest.runAt } : null;
}

/** `openings/<runAt>-<discriminator>.dsse.json`: the discriminator is a short hash of the opening. */
export function openingKey(runAt: DateTime, discriminator: string): string {
  if (!/^[0-9a-z]+$/.test(discriminator)) throw new InvalidKeyError(discriminator, 'discriminator must be [0-9a-z]+');
  return `${OPENINGS_PREFIX}${timestampForKey(runAt)}-${discriminator}${ENVELOPE_SUFFIX}`;
}

const OPENING_KEY = /^openings\/(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d{3})?Z)-([0-9a-z]+)\.dsse\.json$/;

export function parseOpeningKey(key: string): { runAt: string; discriminator: string } | null {
  const match = OPENING_KEY.exec(key);
  const runAt = match ? isoFromKeyTimestamp(match[1]!) : null;
  return match && runAt ? { runAt, discriminator: match[2]! } : null;
}

/** The ledger's own records (manifests, their signatures, run openings, chain indexes), not what runs collected or reported. */
export function isLedgerRecordKey(key: string): boolean {
  return (
    parseManifestKey(key) !== null ||
    parseManifestEnvelopeKey(key) !== null ||
    parseOpeningKey(key) !== null ||
    parseChainIndexKey(key) !== null ||
    parseHeadsIndexKey(key) !== null
  );
}

/**
 * The instant a key names (ISO 8601 UTC): a snapshot's collection, a report's or trend entry's
 * generation, a manifest's, signature's or opening's run; null for keys of no known kind.
 */
export function keyInstant(key: string): string | null {
  const snapshot = parseSnapshotKey(key);
  if (snapshot) return snapshot.collectedAt;
  const record =
    parseManifestKey(key) ??
    parseManifestEnvelopeKey(key) ??
    parseOpeningKey(key) ??
    parseChainIndexKey(key) ??
    parseHeadsIndexKey(key);
  if (record) return record.runAt;
  return (parseReportKey(key) ?? parseTrendIndexKey(key))?.generatedAt ?? null;
}

// ---- the chain index -------------------------------------------------------------------------

/** `index/chain/<runAt>-<discriminator>.json`: the discriminator is a short hash of the index. */
export function chainIndexKey(runAt: DateTime, discriminator: string): string {
  if (!/^[0-9a-z]+$/.test(discriminator)) throw new InvalidKeyError(discriminator, 'discriminator must be [0-9a-z]+');
  return `${CHAIN_INDEX_PREFIX}${timestampForKey(runAt)}-${discriminator}.json`;
}

const CHAIN_INDEX_KEY = /^index\/chain\/(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d{3})?Z)-([0-9a-z]+)\.json$/;

export function parseChainIndexKey(key: string): { runAt: string; discriminator: string } | null {
  const match = CHAIN_INDEX_KEY.exec(key);
  const runAt = match ? isoFromKeyTimestamp(match[1]!) : null;
  return match && runAt ? { runAt, discriminator: match[2]! } : null;
}

// ---- the heads index -------------------------------------------------------------------------

/** `index/heads/<runAt>-<discriminator>.json`: the discriminator is a short hash of the index. */
export function headsIndexKey(runAt: DateTime, discriminator: string): string {
  if (!/^[0-9a-z]+$/.test(discriminator)) throw new InvalidKeyError(discriminator, 'discriminator must be [0-9a-z]+');
  return `${HEADS_INDEX_PREFIX}${timestampForKey(runAt)}-${discriminator}.json`;
}

const HEADS_INDEX_KEY = /^index\/heads\/(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d{3})?Z)-([0-9a-z]+)\.json$/;

export function parseHeadsIndexKey(key: string): { runAt: string; discriminator: string } | null {
  const match = HEADS_INDEX_KEY.exec(key);
  const runAt = match ? isoFromKeyTimestamp(match[1]!) : null;
  return match && runAt ? { runAt, discriminator: match[2]! } : null;
}
