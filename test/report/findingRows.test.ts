import { renderReportHtml } from '../../src/report/html/renderReportHtml.js';
import type { ReportDocument, ReportFinding } from '../../src/report/schema.js';
import { makeReportDocument } from '../support/reportFixture.js';

function hygieneFinding(cluster: string, namespace: string, overrides: Partial<ReportFinding> = {}): ReportFinding {
  return {
    id: `q-${cluster}-${namespace}`.slice(0, 40),
    rule: 'QUOTA-MISSING',
    severity: 'medium',
    status: 'open',
    cluster,
    resource: `Namespace/${namespace}`,
    message: `namespace ${namespace} has no ResourceQuota`,
    area: 'quotas',
    firstSeen: '2026-11-20T00:00:00.000Z',
    ageDays: 6,
    trend: 'persisting',
    evidence: {},
    ...overrides,
  };
}

/** The fixture with five QUOTA-MISSING findings on prod-east and one on prod-west instead of its own. */
function documentWithQuotaFindings(extra: ReportFinding[] = []): ReportDocument {
  const doc = makeReportDocument();
  doc.findings = [
    ...doc.findings.filter((f) => f.rule !== 'QUOTA-MISSING'),
    hygieneFinding('prod-east', 'batch'),
    hygieneFinding('prod-east', 'web', { trend: 'new', firstSeen: '2026-11-24T00:00:00.000Z', ageDays: 2 }),
    hygieneFinding('prod-east', 'reports', { firstSeen: '2026-10-01T00:00:00.000Z', ageDays: 56 }),
    hygieneFinding('prod-east', 'sandbox', {
      status: 'waived',
      waiver: {
        rule: 'QUOTA-MISSING',
        cluster: 'prod-*',
        resource: 'Namespace/sandbox',
        reason: 'scratch space',
        owner: 'platform-team',
        expires: '2026-12-31',
      },
    }),
    hygieneFinding('prod-east', 'ledger'),
    hygieneFinding('prod-west', 'legacy'),
    ...extra,
  ];
  return doc;
}

const ruleBlock = (html: string, rule: string): string => {
  const start = html.indexOf(`<header><h4><code>${rule}</code>`);
  return html.slice(start, html.indexOf('</table>', start));
};

describe('the findings of report.html', () => {
  it('are one row per rule and cluster, with the count and every subject inside a <details> element', () => {
    // Act
    const block = ruleBlock(renderReportHtml(documentWithQuotaFindings()), 'QUOTA-MISSING');

    // Assess
    const rows = block.split('<tr>').slice(2); // after the header row
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('<td data-label="Cluster">prod-east</td>');
    expect(rows[0]).toContain('<td class="num" data-label="Findings">5</td>');
    expect(rows[0]).toContain(
      '<details><summary>Namespace/batch, Namespace/ledger, Namespace/reports and 2 more</summary>',
    );
    expect(rows[0]!.match(/<li>/g)).toHaveLength(5);
    for (const namespace of ['batch', 'ledger', 'reports', 'sandbox', 'web']) {
      expect(rows[0]).toContain(`<li><code>Namespace/${namespace}</code>`);
      expect(rows[0]).toContain(`<div>namespace ${namespace} has no ResourceQuota</div>`);
    }
    // The oldest first-seen date and age of the row; each subject keeps its own.
    expect(rows[0]).toContain('<td data-label="First seen">2026-10-01<br><span class="reason">56 days</span></td>');
    expect(rows[0]).toContain('<div class="reason">first seen 2026-11-24, 2 days</div>');
    expect(rows[0]).toContain(
      '<td data-label="Status">4 open · <span class="badge waived">1 waived</span><div><span class="badge new">1 new</span></div></td>',
    );
    expect(rows[1]).toContain('<td data-label="Cluster">prod-west</td>');
    expect(rows[1]).toContain('<td class="num" data-label="Findings">1</td>');
    // A single subject: the details are open.
    expect(rows[1]).toContain('<details open><summary>Namespace/legacy</summary>');
    expect(block).not.toContain('<script');
  });

  it('keep each subject status reachable: open, waived with its owner and date, new', () => {
    const block = ruleBlock(renderReportHtml(documentWithQuotaFindings()), 'QUOTA-MISSING');
    expect(block).toContain('<li><code>Namespace/batch</code> <span class="reason">open</span><div>');
    expect(block).toContain(
      '<li><code>Namespace/sandbox</code> <span class="badge waived">waived</span> <span class="reason">by platform-team until 2026-12-31</span><div>',
    );
    expect(block).toContain(
      '<li><code>Namespace/web</code> <span class="reason">open</span> <span class="badge new">new</span><div>',
    );
  });

  it('put a row under its most severe finding and say how many of each severity it holds', () => {
    const doc = documentWithQuotaFindings([
      hygieneFinding('prod-east', 'urgent', { severity: 'critical', rule: 'CERT-EXPIRING', resource: 'Secret/a/x' }),
      hygieneFinding('prod-east', 'later', { severity: 'high', rule: 'CERT-EXPIRING', resource: 'Secret/a/y' }),
    ]);
    const html = renderReportHtml(doc);
    const critical = html.slice(html.indexOf('<span class="badge sev-critical">critical</span> '));
    expect(critical.indexOf('<code>CERT-EXPIRING</code>')).toBeLessThan(critical.indexOf('sev-high">high</span> '));
    const block = ruleBlock(html, 'CERT-EXPIRING');
    expect(block.split('<tr>').slice(2)).toHaveLength(1);
    expect(block).toContain(
      '<td class="num" data-label="Findings">2<div class="reason">1 critical · 1 high</div></td>',
    );
    expect(block).toContain('<li><code>Secret/a/x</code> <span class="badge sev-critical">critical</span> ');
    expect(block).toContain('<li><code>Secret/a/y</code> <span class="badge sev-high">high</span> ');
  });

  it('escape hostile subject names and messages inside the details', () => {
    const doc = documentWithQuotaFindings([
      hygieneFinding('prod-east', '<img src=x onerror=alert(1)>', {
        message: 'namespace </details><script>alert(1)</script> {{constructor}}',
      }),
    ]);
    const html = renderReportHtml(doc);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('<li><code>Namespace/&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;</code>');
    expect(html).toContain(
      '<div>namespace &lt;/details&gt;&lt;script&gt;alert(1)&lt;/script&gt; {{constructor}}</div>',
    );
  });
});
