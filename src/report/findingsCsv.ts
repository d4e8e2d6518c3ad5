/**
 * `findings.csv`: one row per finding, RFC 4180 (CRLF line ends, fields with commas, quotes or
 * line breaks quoted, quotes doubled), for spreadsheets and ticketing imports.
 */
import { stringify } from 'csv-stringify/sync';
import type { ReportDocument } from './schema.js';

export const FINDINGS_CSV_COLUMNS = [
  'id',
  'severity',
  'status',
  'rule',
  'clusters',
  'resource',
  'message',
  'firstSeen',
  'ageDays',
  'waiverOwner',
  'waiverExpires',
] as const;

/**
 * Spreadsheets run a cell starting with = + - @ (or a tab/CR) as a formula. Cluster-supplied text
 * (object names, violation messages) is untrusted, so such cells get a leading apostrophe, as
 * OWASP recommends for CSV injection.
 */
export function neutralizeFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** The CSV text (UTF-8, header row first). */
export function renderFindingsCsv(doc: ReportDocument): string {
  const rows = doc.findings.map((f) =>
    [
      f.id,
      f.severity,
      f.status,
      f.rule,
      (f.clusters ?? (f.cluster ? [f.cluster] : [])).join(';'),
      f.resource,
      f.message,
      f.firstSeen,
      String(f.ageDays),
      f.waiver?.owner ?? '',
      f.waiver?.expires ?? '',
    ].map(neutralizeFormula),
  );
  return stringify([[...FINDINGS_CSV_COLUMNS], ...rows], { record_delimiter: '\r\n' });
}
