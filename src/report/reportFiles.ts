/**
 * The files of a report, rendered from the report document one at a time, each as text in pieces
 * that are written into the store as they are rendered (writeTextPieces). A cluster with 20,000
 * namespaces (60,000 findings) has 180 MB of report files: held all at once as text, with the OSCAL
 * document's object tree, they took most of a 0.8 GB report run.
 */
import type { ReportFile } from '../ledger/keys.js';
import { renderEmail } from './email/renderEmail.js';
import { findingsCsvPieces } from './findingsCsv.js';
import { renderReportHtml } from './html/renderReportHtml.js';
import { jsonPieces } from './jsonPieces.js';
import { openReportsYamlPieces } from './openReports.js';
import { assessmentResultsPieces } from './oscal/assessmentResults.js';
import { policyReportYamlPieces } from './policyReport.js';
import { REPORT_SCHEMA_VERSION, type ReportDocument } from './schema.js';

export const REPORT_CONTENT_TYPES: Readonly<Record<ReportFile, string>> = {
  'report.json': 'application/json',
  'report.html': 'text/html; charset=utf-8',
  'findings.csv': 'text/csv; charset=utf-8',
  'policyreport.yaml': 'application/yaml',
  'email.html': 'text/html; charset=utf-8',
  'email.txt': 'text/plain; charset=utf-8',
  'assessment-results.json': 'application/json',
  'openreports.yaml': 'application/yaml',
};

/**
 * Every report file names the fleetledger version that wrote it (writeTextPieces adds it, as
 * writeJson does for snapshots and manifests) and the report schema version it was rendered from
 * (issue 4).
 */
export const REPORT_FILE_METADATA: Readonly<Record<string, string>> = {
  'schema-version': String(REPORT_SCHEMA_VERSION),
};

export interface ReportFileText {
  file: ReportFile;
  /** The file's text in pieces, joined: the file. Read once, before the next file is asked for. */
  pieces: Iterable<string>;
}

/** The SHA-256 of a file's UTF-8 bytes as they were written, asked for once that file is read. */
export type WrittenSha256 = (file: ReportFile) => string;

// report.json's findings are its second level: document, findings. Each finding (each item of its
// lists) is on a line of its own.
const REPORT_JSON_DEPTH = 2;

/**
 * Each file of the report in turn, for a caller that reads a file's pieces before it asks for the
 * next. The document must be valid (ReportDocument, as buildReport returns it).
 *
 * report.json comes first: the OSCAL document that follows links it by the SHA-256 of its bytes,
 * which `writtenSha256` gives once report.json was read (the store hashes what it writes). Each
 * file is rendered once (report.json was rendered twice, hashed then stored: 1.5 s of a report of
 * 50,000 namespaces). The OSCAL document is checked before its first piece and each finding as it
 * is read: a bug throws before any bytes of the file are handed out, or, for a finding, abandons
 * the file's write (and the report run: report.json stays an unfinished run's leftover, as after a
 * crash). The others follow in REPORT_FILES order. The e-mail links to its siblings by relative name.
 *
 * @example
 * for (const { file, pieces } of reportFileTexts(doc, (file) => written.get(file)!.sha256)) ...
 */
export function* reportFileTexts(doc: ReportDocument, writtenSha256: WrittenSha256): Generator<ReportFileText> {
  yield {
    file: 'report.json',
    pieces: jsonPieces(doc, { indent: 2, depth: REPORT_JSON_DEPTH, newline: true, itemsOnOneLine: true }),
  };
  yield {
    file: 'assessment-results.json',
    pieces: assessmentResultsPieces(doc, { reportJsonSha256: writtenSha256('report.json') }),
  };
  yield { file: 'report.html', pieces: [renderReportHtml(doc)] };
  yield { file: 'findings.csv', pieces: findingsCsvPieces(doc) };
  yield { file: 'policyreport.yaml', pieces: policyReportYamlPieces(doc) };
  const email = renderEmail(doc, { report: 'report.html', json: 'report.json', csv: 'findings.csv' });
  yield { file: 'email.html', pieces: [email.html] };
  yield { file: 'email.txt', pieces: [email.text] };
  yield { file: 'openreports.yaml', pieces: openReportsYamlPieces(doc) };
}
