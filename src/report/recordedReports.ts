/**
 * The reports of a period the ledger holds, as its run manifests record them (by their
 * report.json): what `email` sends (the latest) and what a new report of the period supersedes
 * (the latest one generated before it). A report.json no manifest records was written by no run
 * and is never one of them.
 */
import { DateTime } from 'luxon';
import { compareKeys, parseReportKey, reportPrefix, timestampForKey } from '../ledger/keys.js';
import type { RecordedObject } from '../ledger/manifest.js';

export interface RecordedReport {
  periodId: string;
  /** ISO 8601 UTC, from the report's key. */
  generatedAt: string;
  /** The store folder of its files, e.g. `reports/2026-W48/2026-11-25T09-00-00.000Z/`. */
  folder: string;
  /** Its report.json: key, and size and SHA-256 as the manifest recorded them. */
  reportJson: RecordedObject & { key: string };
}

/** Every recorded report of the period, oldest first. */
export function recordedReportsOf(recorded: ReadonlyMap<string, RecordedObject>, periodId: string): RecordedReport[] {
  return [...recorded.entries()]
    .flatMap(([key, object]) => {
      const parts = parseReportKey(key);
      if (parts?.periodId !== periodId || parts.file !== 'report.json') return [];
      const generatedAt = DateTime.fromISO(parts.generatedAt, { zone: 'utc' });
      return [
        {
          periodId,
          generatedAt: parts.generatedAt,
          folder: `${reportPrefix(periodId)}${timestampForKey(generatedAt)}/`,
          reportJson: { ...object, key },
        },
      ];
    })
    .sort((a, b) => compareKeys(a.reportJson.key, b.reportJson.key));
}

/** The latest recorded report of the period generated before `instant` (the one a new report supersedes). */
export function latestReportBefore(reports: readonly RecordedReport[], instant: DateTime): RecordedReport | null {
  return reports.filter((report) => DateTime.fromISO(report.generatedAt, { zone: 'utc' }) < instant).at(-1) ?? null;
}
