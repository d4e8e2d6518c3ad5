/**
 * Finding the latest generated report of a period in the ledger and reading it back, validated.
 */
import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import { OperationalError } from '../../core/errors.js';
import { parseReportKey, type ReportFile, reportKey, reportPrefix } from '../../ledger/keys.js';
import { shareObjects } from '../../ledger/share.js';
import { S3LedgerStore } from '../../ledger/s3Store.js';
import type { LedgerStore } from '../../ledger/store.js';
import { ReportDocument } from '../schema.js';
import type { ReportLinks } from './emailView.js';

export interface StoredReport {
  doc: ReportDocument;
  /** The stored bytes of report.json, exactly as written. */
  reportJson: Uint8Array;
  /** The key of each file of this report (same period and generation). */
  keyOf(file: ReportFile): string;
}

/**
 * The latest report (by generation time) of the period; OperationalError when there is none or
 * when report.json does not match the report schema.
 */
export async function readLatestReport(store: LedgerStore, periodId: string): Promise<StoredReport> {
  const generations = (await store.list(reportPrefix(periodId)))
    .map(({ key }) => parseReportKey(key))
    .filter((parts) => parts !== null && parts.file === 'report.json')
    .map((parts) => parts!.generatedAt)
    .sort();
  const latest = generations.at(-1);
  if (latest === undefined) {
    throw new OperationalError(
      `${store.location}: no report for ${periodId} (run fleetledger report --period ${periodId} first)`,
    );
  }
  const generatedAt = DateTime.fromISO(latest, { zone: 'utc' });
  const keyOf = (file: ReportFile) => reportKey(periodId, generatedAt, file);
  const reportJson = await store.get(keyOf('report.json'));
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(reportJson).toString('utf8'));
  } catch {
    throw new OperationalError(`${store.location}: ${keyOf('report.json')} is not valid JSON`);
  }
  const result = ReportDocument.safeParse(parsed);
  if (!result.success) {
    const first = result.error.issues[0];
    const where = first ? ` (${first.path.join('.') || 'document'}: ${first.message})` : '';
    throw new OperationalError(`${store.location}: ${keyOf('report.json')} is not a valid report${where}`);
  }
  return { doc: result.data, reportJson, keyOf };
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
  report: StoredReport,
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
