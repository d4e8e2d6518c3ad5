/**
 * `findings.csv`: one row per finding, RFC 4180 (CRLF line ends, fields with commas, quotes or
 * line breaks quoted, quotes doubled), for spreadsheets and ticketing imports.
 */
import { stringify } from 'csv-stringify/sync';
import { withoutTerminalControls } from '../core/text.js';
import type { ReportDocument, ReportFinding } from './schema.js';

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

/**
 * The one row of a no-data report: a header-only file would read as "no findings" (clean), so
 * the file says that nothing was evaluated, in the status column importers key on.
 */
function noDataRow(doc: ReportDocument): string[] {
  const message = `no snapshot of any expected cluster in ${doc.period}: nothing was evaluated`;
  return ['', '', 'no-data', '', doc.clusters.map((c) => c.name).join(';'), '', message, '', '', '', ''];
}

/** The CSV text (UTF-8, header row first); cells keep their line breaks but no other control characters. */
export function renderFindingsCsv(doc: ReportDocument): string {
  return [...findingsCsvPieces(doc)].join('');
}

// Rows are written this many at a time: every row ends with its delimiter, so the pieces joined
// are the CSV of all the rows, and the rows of 60,000 findings are never all built at once (nor
// as one large string, which would live until a full collection).
const ROWS_PER_PIECE = 200;

/** The same text in pieces of ROWS_PER_PIECE rows, the header row first. */
export function* findingsCsvPieces(doc: ReportDocument): Generator<string> {
  yield csvText([[...FINDINGS_CSV_COLUMNS]]);
  if (doc.noData) yield csvText([cleaned(noDataRow(doc))]);
  for (let start = 0; start < doc.findings.length; start += ROWS_PER_PIECE) {
    yield csvText(doc.findings.slice(start, start + ROWS_PER_PIECE).map((f) => cleaned(findingRow(f))));
  }
}

function findingRow(f: ReportFinding): string[] {
  return [
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
  ];
}

/** A data row as written: no terminal controls, no formula. */
function cleaned(row: string[]): string[] {
  return row.map((cell) => neutralizeFormula(withoutTerminalControls(cell)));
}

function csvText(rows: string[][]): string {
  // csv-stringify quotes fields holding the record delimiter (CRLF) but not a bare LF, which
  // RFC 4180 readers would take for the end of the row: quote every field with a line break.
  return stringify(rows, { record_delimiter: '\r\n', quoted_match: /[\r\n]/ });
}
