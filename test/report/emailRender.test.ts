import { EMAIL_LIST_LIMIT, emailSubject, singleLine } from '../../src/report/email/emailView.js';
import { renderEmail } from '../../src/report/email/renderEmail.js';
import { makeHostileReportDocument, makeReportDocument } from '../support/reportFixture.js';

const LINKS = {
  report:
    'https://audit-ledger.s3.eu-west-1.amazonaws.com/prod/reports/2026-W48/2026-11-26T09-00-00.000Z/report.html?X-Amz-Expires=604800&X-Amz-Signature=abc',
  json: 'https://audit-ledger.s3.eu-west-1.amazonaws.com/prod/reports/2026-W48/2026-11-26T09-00-00.000Z/report.json?X-Amz-Signature=def',
  csv: 'https://audit-ledger.s3.eu-west-1.amazonaws.com/prod/reports/2026-W48/2026-11-26T09-00-00.000Z/findings.csv?X-Amz-Signature=ghi',
  expiresAt: '2026-12-03T09:00:00.000Z',
};

describe('renderEmail', () => {
  it('puts the period, fleet compliance with its delta and the new critical/high count in the subject', () => {
    expect(renderEmail(makeReportDocument(), LINKS).subject).toBe(
      'fleetledger 2026-W48: fleet compliance 72.4% (+3.1 pts), 2 new critical/high findings',
    );
  });

  it('says n/a without a delta when compliance is unknown, and counts only new open critical/high findings', () => {
    const doc = makeReportDocument();
    doc.fleet.compliance = null;
    doc.fleet.delta.compliance = null;
    // new: one open high, one waived high, one open low
    doc.findings.find((finding) => finding.id === 'f0000000000000e5')!.severity = 'high';
    doc.trend.new = ['f0000000000000b2', 'f0000000000000e5', 'f0000000000000f6'];
    expect(emailSubject(doc)).toBe('fleetledger 2026-W48: fleet compliance n/a, 1 new critical/high finding');
  });

  it('renders HTML with table layout and inline styles only: no <style>, no SVG, no images, no script', () => {
    const { html } = renderEmail(makeReportDocument(), LINKS);
    expect(html).toContain('<table role="presentation"');
    expect(html).not.toMatch(/<style|<svg|<img|<script|<link|class=/i);
    expect(html).toContain('72.4%');
    expect(html).toContain('▲ +3.1 pts');
    expect(html).toContain('▼ -2.0 pts');
    expect(html).toContain('<strong>CERT-EXPIRED</strong> · prod-east');
    expect(html).toContain('<strong>ARGO-OUT-OF-SYNC</strong> · prod-west');
    expect(html).not.toContain('<strong>CIDR-OVERLAP</strong>'); // persisting, not new
    expect(html).toContain('certificate rotated: fingerprint changed');
    expect(html).toContain('These links are presigned and stop working at 2026-12-03 09:00 UTC.');
    // The link keeps its query string (only entity-encoded, which the mail client decodes).
    expect(html).toContain(
      `<a href="${LINKS.report.replaceAll('=', '&#x3D;').replaceAll('&X', '&amp;X')}" style="color:#1d3a5f;font-weight:bold;">Full report (HTML)</a>`,
    );
  });

  it('renders a plain-text part with the same content', () => {
    const { text } = renderEmail(makeReportDocument(), LINKS);
    expect(text).toContain('Fleet compliance: 72.4% (+3.1 pts)');
    expect(text).toContain('Coverage:         90.0% (-2.0 pts)');
    expect(text).toContain('Open findings: critical 1, high 2, medium 1, low 1, info 1');
    expect(text).toContain(
      '- [high] CERT-EXPIRED | prod-east | Secret/payments/api-tls\n  Certificate CN=api.payments.example.com expired on 2026-11-20\n',
    );
    expect(text).toContain('- prod-west | network | added ServiceCIDR/kubernetes: Service range 172.20.0.0/16 added\n');
    expect(text).toContain('- prod-west: partial (policies: forbidden (403))\n');
    expect(text).toContain(`- Full report (HTML): ${LINKS.report}\n`);
    expect(text).toContain('These links are presigned and stop working at 2026-12-03 09:00 UTC.');
    expect(text).not.toMatch(/&[a-z#0-9]+;/i);
  });

  it('shows file paths as text, not links, and states no expiry, for a directory store', () => {
    const links = {
      report: '/srv/ledger/reports/r/report.html',
      json: '/srv/ledger/reports/r/report.json',
      csv: '/srv/ledger/reports/r/findings.csv',
    };
    const { html, text } = renderEmail(makeReportDocument(), links);
    expect(html).not.toContain('<a ');
    expect(html).toContain('/srv/ledger/reports/r/report.html');
    expect(html).not.toContain('presigned');
    expect(text).toContain('- findings.csv: /srv/ledger/reports/r/findings.csv\n');
  });

  it('keeps long lists short and points to the full report', () => {
    const doc = makeReportDocument();
    const change = doc.trend.changes[0]!;
    doc.trend.changes = Array.from({ length: EMAIL_LIST_LIMIT + 3 }, (_, index) => ({
      ...change,
      subject: `Secret/ns/c${index}`,
    }));
    const { html, text } = renderEmail(doc, LINKS);
    expect(html.match(/Secret\/ns\/c\d+/g)).toHaveLength(EMAIL_LIST_LIMIT);
    expect(html).toContain('and 3 more in the full report.');
    expect(text).toContain('... and 3 more in the full report.');
  });

  it('shows cluster-supplied text in the HTML part only escaped, and template syntax as literal text', () => {
    const { html, subject } = renderEmail(makeHostileReportDocument(), LINKS);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('violation: &lt;script&gt;alert(1)&lt;/script&gt; {{constructor}} {{#each}}');
    expect(html).toContain('Secret/payments/api-tls&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(html).toContain('east&lt;script&gt;alert(1)&lt;/script&gt;');
    // The hostile report supersedes an earlier one (its folder is hostile text too).
    expect(subject).toBe(
      'fleetledger 2026-W48 (revised): fleet compliance 72.4% (+3.1 pts), 2 new critical/high findings',
    );
  });

  it('keeps cluster-supplied text in the plain-text part literal and on one line, so it cannot forge lines', () => {
    const doc = makeHostileReportDocument();
    doc.findings[1]!.message = 'expired\n\nFULL REPORT\n- Full report (HTML): https://evil.example/\r\nok';
    const { text } = renderEmail(doc, LINKS);
    expect(text).toContain('  expired FULL REPORT - Full report (HTML): https://evil.example/ ok\n');
    expect(text.match(/^FULL REPORT$/gm)).toHaveLength(1);
    expect(text).toContain('{{constructor}} {{#each}}');
    expect(text).toContain('| east<script>alert(1)</script> |');
  });

  it('collapses control characters of untrusted text to single spaces', () => {
    expect(singleLine('a\r\n\tb\u2028c\u0000d')).toBe('a b c d');
  });
});
