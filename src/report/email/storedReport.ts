/**
 * Finding the latest generated report of a period in the ledger and reading it back, validated.
 * Only reports a run manifest records count, and only with the bytes it recorded: a report.json
 * planted or changed behind the ledger's back is never sent.
 */
import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import { OperationalError } from '../../core/errors.js';
import { parseReportKey, type ReportFile, reportKey, reportPrefix } from '../../ledger/keys.js';
import { type RecordedObject, readManifests, recordedObjectsOf } from '../../ledger/manifest.js';
import { CorruptObjectError, sha256Hex } from '../../ledger/objects.js';
import { S3LedgerStore } from '../../ledger/s3Store.js';
import { shareObjects } from '../../ledger/share.js';
import { type LedgerStore, ObjectNotFoundError } from '../../ledger/store.js';
import { type RecordedReport, recordedReportsOf } from '../recordedReports.js';
import { parseReportJson } from '../reportJson.js';
import type { ReportDocument } from '../schema.js';
import type { ReportLinks } from './emailView.js';

export interface StoredReport {
  doc: ReportDocument;
  /** The store folder of its files, e.g. `reports/2026-W48/2026-11-26T09-00-00.000Z/`. */
  folder: string;
  /** The stored bytes of report.json, exactly as written. */
  reportJson: Uint8Array;
  /** The key of each file of this report (same period and generation). */
  keyOf(file: ReportFile): string;
  /** The stored bytes of one file of this report; OperationalError unless they are the recorded ones. */
  read(file: ReportFile): Promise<Uint8Array>;
}

/** The bytes at a recorded key, or OperationalError when they are gone or differ from the record. */
async function readRecorded(
  store: LedgerStore,
  key: string,
  recorded: RecordedObject | undefined,
): Promise<Uint8Array> {
  if (!recorded) {
    throw new OperationalError(`${store.location}: ${key} is recorded by no run manifest (run fleetledger verify)`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await store.get(key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) {
      throw new OperationalError(`${store.location}: ${key} is recorded by ${recorded.manifestKey} but missing`);
    }
    throw error;
  }
  if (sha256Hex(bytes) !== recorded.sha256) {
    throw new OperationalError(
      `${store.location}: ${key} differs from what ${recorded.manifestKey} recorded (run fleetledger verify)`,
    );
  }
  return bytes;
}

/**
 * The latest report (by generation time) of the period among those a run manifest records;
 * OperationalError when there is none, when its bytes are not the recorded ones or when report.json
 * does not match the report schema.
 */
export async function readLatestReport(store: LedgerStore, periodId: string): Promise<StoredReport> {
  const recorded = recordedObjectsOf((await readManifests(store)).manifests);
  const latest = recordedReportsOf(recorded, periodId).at(-1);
  if (latest === undefined) {
    const prefix = reportPrefix(periodId);
    const unrecorded = (await store.list(prefix)).some(({ key }) => parseReportKey(key)?.file === 'report.json');
    throw new OperationalError(
      unrecorded
        ? `${store.location}: no report for ${periodId} recorded by a run manifest: the report.json files under ${prefix} were written by no run (run fleetledger verify)`
        : `${store.location}: no report for ${periodId} (run fleetledger report --period ${periodId} first)`,
    );
  }
  return openRecordedReport(store, recorded, latest);
}

/**
 * One recorded report, read back: OperationalError when its bytes are not the recorded ones or
 * report.json does not match the report schema.
 */
export async function openRecordedReport(
  store: LedgerStore,
  recorded: ReadonlyMap<string, RecordedObject>,
  latest: RecordedReport,
): Promise<StoredReport> {
  const periodId = latest.periodId;
  const generatedAt = DateTime.fromISO(latest.generatedAt, { zone: 'utc' });
  const keyOf = (file: ReportFile) => reportKey(periodId, generatedAt, file);
  const read = (file: ReportFile) => readRecorded(store, keyOf(file), recorded.get(keyOf(file)));
  const reportJson = await read('report.json');
  let doc: ReportDocument;
  try {
    doc = parseReportJson(keyOf('report.json'), reportJson);
  } catch (error) {
    if (error instanceof CorruptObjectError) {
      throw new OperationalError(`${store.location}: ${keyOf('report.json')} is ${error.reason}`);
    }
    throw error;
  }
  return { doc, folder: latest.folder, reportJson, keyOf, read };
}

export interface LinkOptions {
  now: DateTime;
  /** Presigned URL lifetime (S3 stores). */
  expiresInSeconds: number;
}

/**
 * Where readers find the full report: presigned GET URLs on an S3 store (with the time they stop
 * working), absolute file paths on a directory store. OperationalError when a file is missing.
 */
export async function reportLinks(
  store: LedgerStore,
  report: Pick<StoredReport, 'keyOf'>,
  options: LinkOptions,
): Promise<ReportLinks> {
  const files = { report: 'report.html', json: 'report.json', csv: 'findings.csv' } as const;
  if (store instanceof S3LedgerStore) {
    const links: Partial<Record<keyof typeof files, string>> = {};
    let expiresAt: DateTime | null = null;
    for (const [name, file] of Object.entries(files) as Array<[keyof typeof files, ReportFile]>) {
      const [shared] = await shareObjects(store, {
        key: report.keyOf(file),
        expiresInSeconds: options.expiresInSeconds,
        now: options.now,
      });
      if (!shared) throw new OperationalError(`${store.location}: cannot share ${report.keyOf(file)}`);
      links[name] = shared.url;
      if (expiresAt === null || shared.expiresAt < expiresAt) expiresAt = shared.expiresAt;
    }
    return {
      report: links.report!,
      json: links.json!,
      csv: links.csv!,
      ...(expiresAt ? { expiresAt: expiresAt.toUTC().toISO()! } : {}),
    };
  }
  const pathOf = async (file: ReportFile) => {
    const key = report.keyOf(file);
    if (!(await store.head(key))) throw new OperationalError(`${store.location}: no object at ${key}`);
    return resolve(store.location, ...key.split('/'));
  };
  return { report: await pathOf(files.report), json: await pathOf(files.json), csv: await pathOf(files.csv) };
}
