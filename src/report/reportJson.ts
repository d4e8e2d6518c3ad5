/**
 * report.json read back from its stored bytes (from the ledger, or from an auditor's bundle) and
 * validated against the report schema: the one reader of a stored report document.
 */
import { CorruptObjectError } from '../ledger/objects.js';
import { ReportDocument } from './schema.js';

/**
 * The report document in the bytes; CorruptObjectError naming the key when they are not JSON or
 * not a report of this schema version.
 *
 * @example
 * const doc = parseReportJson('reports/2026-W48/2026-11-25T09-00-00.000Z/report.json', bytes);
 */
export function parseReportJson(key: string, bytes: Uint8Array): ReportDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new CorruptObjectError(key, 'not valid JSON');
  }
  const result = ReportDocument.safeParse(parsed);
  if (!result.success) {
    const first = result.error.issues[0];
    const where = first ? ` (${first.path.join('.') || 'document'}: ${first.message})` : '';
    throw new CorruptObjectError(key, `not a valid report${where}`);
  }
  return result.data;
}
