/**
 * The files of a report, rendered from the report document one at a time, each as text in pieces
 * that are written into the store as they are rendered (writeTextPieces). A cluster with 20,000
 * namespaces (60,000 findings) has 180 MB of report files: held all at once as text, with the OSCAL
 * document's object tree, they took most of a 0.8 GB report run.
 */
import type { ReportFile } from '../ledger/keys.js';
import { textPiecesDigest } from '../ledger/objects.js';
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
  /** The SHA-256 its UTF-8 bytes have, when it was computed before (report.json: the OSCAL document links it). */
  sha256?: string;
}

// report.json's findings are its second level: document, findings.
const REPORT_JSON_DEPTH = 2;

/**
 * Each file of the report in turn, for a caller that reads a file's pieces before it asks for the
 * next. The document must be valid (ReportDocument, as buildReport returns it).
 *
 * Throws before the first file is returned when the OSCAL document does not validate (a bug, never
 * the input's fault), so nothing is stored then. Since that document links report.json by the hash
 * of its bytes, report.json is rendered twice: hashed first, without being held (32 MB of text for
 * 60,000 findings, held while the OSCAL document was checked, outlived collections and raised the
 * run's peak), then as it is stored. Both are returned first; then the others, in REPORT_FILES
 * order. The e-mail links to its siblings by relative name.
 *
 * @example
 * for (const { file, pieces } of reportFileTexts(doc)) await writeTextPieces(store, keyOf(file), pieces, ...);
 */
export function* reportFileTexts(doc: ReportDocument): Generator<ReportFileText> {
  const reportJson = () => jsonPieces(doc, { indent: 2, depth: REPORT_JSON_DEPTH, newline: true });
  const reportJsonSha256 = textPiecesDigest(reportJson()).sha256;
  let assessmentResults: Iterable<string> | null = assessmentResultsPieces(doc, { reportJsonSha256 });
  yield { file: 'report.json', pieces: reportJson(), sha256: reportJsonSha256 };
  yield { file: 'assessment-results.json', pieces: assessmentResults };
  assessmentResults = null;

  yield { file: 'report.html', pieces: [renderReportHtml(doc)] };
  yield { file: 'findings.csv', pieces: findingsCsvPieces(doc) };
  yield { file: 'policyreport.yaml', pieces: policyReportYamlPieces(doc) };
  const email = renderEmail(doc, { report: 'report.html', json: 'report.json', csv: 'findings.csv' });
  yield { file: 'email.html', pieces: [email.html] };
  yield { file: 'email.txt', pieces: [email.text] };
  yield { file: 'openreports.yaml', pieces: openReportsYamlPieces(doc) };
}
