/**
 * A cluster with 50,000 namespaces, none of them fenced in, gives 150,000 tenant-hygiene
 * findings. report.html stays a page a person can open: each finding row lists its first
 * subjects and says how many more there are, the summary's tables likewise; report.json and
 * findings.csv still hold every finding. (Timings are the benchmark's: `npm run bench`.)
 */
import { DateTime } from 'luxon';
import { parsePeriod } from '../../src/core/period.js';
import { evaluateFleet } from '../../src/evaluate/evaluate.js';
import { buildReport } from '../../src/report/buildReport.js';
import { renderFindingsCsv } from '../../src/report/findingsCsv.js';
import { SUBJECTS_PER_ROW } from '../../src/report/html/findingRows.js';
import { renderReportHtml } from '../../src/report/html/renderReportHtml.js';
import { SUMMARY_LIST_LIMIT } from '../../src/report/html/reportView.js';
import type { ReportDocument } from '../../src/report/schema.js';
import { snapshotAt, storedAs } from './fixtures.js';

const NAMESPACES = 50_000;
const AT = '2026-11-25T09:00:00.000Z';
const HYGIENE_RULES = ['LIMITRANGE-MISSING', 'NETPOL-NO-DEFAULT-DENY', 'QUOTA-MISSING'];

/** tenant-00000 ... tenant-49999: names that sort the same way by text and by number. */
const tenant = (index: number) => `tenant-${String(index).padStart(5, '0')}`;

let doc: ReportDocument;
let html: string;

beforeAll(() => {
  const snapshot = snapshotAt('big', AT, {
    namespaces: Array.from({ length: NAMESPACES }, (_, index) => ({
      name: tenant(index),
      labels: {},
      phase: 'Active',
    })),
  });
  const now = DateTime.fromISO(AT, { zone: 'utc' }).plus({ hours: 1 });
  doc = buildReport({
    period: parsePeriod('2026-W48'),
    now,
    storeLocation: '/ledger',
    current: [storedAs(snapshot)],
    gaps: [],
    evaluation: evaluateFleet([snapshot], { now }),
    previous: null,
    history: [],
    waivers: [],
  });
  html = renderReportHtml(doc);
});

/** The rows of a rule's table in the findings section. */
function rowsOf(rule: string): string[] {
  const start = html.indexOf(`<header><h4><code>${rule}</code>`);
  return html.slice(start, html.indexOf('</table>', start)).split('<tr>').slice(2);
}

describe('the report of a cluster with 50,000 namespaces', () => {
  it('keeps every finding in report.json and findings.csv', () => {
    expect(HYGIENE_RULES.map((rule) => doc.findings.filter((f) => f.rule === rule).length)).toEqual([
      NAMESPACES,
      NAMESPACES,
      NAMESPACES,
    ]);
    // A header line, one line per finding (messages are one line each), and the final line break.
    expect(renderFindingsCsv(doc).split('\r\n')).toHaveLength(doc.findings.length + 2);
  });

  it(`lists the first ${SUBJECTS_PER_ROW} subjects of each finding row in report.html and says how many more there are`, () => {
    for (const rule of HYGIENE_RULES) {
      const rows = rowsOf(rule);
      expect(rows).toHaveLength(1);
      const [row] = rows as [string];
      expect(row).toContain(`<td class="num" data-label="Findings">${NAMESPACES}</td>`);
      expect(row.match(/<li><code>Namespace\/tenant-\d{5}<\/code>/g)).toEqual(
        Array.from({ length: SUBJECTS_PER_ROW }, (_, index) => `<li><code>Namespace/${tenant(index)}</code>`),
      );
      expect(row).toContain(
        `<li class="more">and ${NAMESPACES - SUBJECTS_PER_ROW} more: report.json and findings.csv list every finding</li>`,
      );
    }
  });

  it(`lists ${SUMMARY_LIST_LIMIT} of the new findings in the summary and says how many more there are`, () => {
    const start = html.indexOf('<h4>New findings</h4>');
    const table = html.slice(start, html.indexOf('<h4>Resolved findings</h4>', start));

    expect(table.match(/<tr><td data-label="Severity">/g)).toHaveLength(SUMMARY_LIST_LIMIT);
    expect(table).toContain(
      `<p class="more">and ${doc.findings.length - SUMMARY_LIST_LIMIT} more new findings: report.json and findings.csv list every finding</p>`,
    );
  });

  it('stays under 5 MB', () => {
    expect(Buffer.byteLength(html)).toBeLessThan(5 * 1024 * 1024);
  });
});
