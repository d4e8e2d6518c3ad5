import { RULES } from '../../src/evaluate/catalog.js';
import { renderReportHtml } from '../../src/report/html/renderReportHtml.js';
import { ReportDocument as ReportDocumentSchema } from '../../src/report/schema.js';
import { makeHostileReportDocument, makeReportDocument } from '../support/reportFixture.js';

describe('renderReportHtml', () => {
  it('the hand-made fixture is a valid report document', () => {
    expect(ReportDocumentSchema.safeParse(makeReportDocument()).success).toBe(true);
  });

  it('renders one self-contained document: inline CSS and SVG, no script, nothing loaded from elsewhere', () => {
    const html = renderReportHtml(makeReportDocument());
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<style>');
    // Four charts (the fleet trend, the network map and the certificate timeline drawn twice: wide and for a phone) and a sparkline per cluster.
    expect(html.match(/<svg /g)).toHaveLength(9);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    // Every href is an in-page anchor.
    expect([...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]!.startsWith('#'))).not.toContain(false);
    expect(html).not.toMatch(/src=/i);
    expect(html).toContain(`Content-Security-Policy" content="default-src 'none'`);
  });

  it('has every section with the numbers of the document', () => {
    const html = renderReportHtml(makeReportDocument());
    for (const id of ['summary', 'matrix', 'network', 'certificates', 'drift', 'findings', 'waivers', 'appendix']) {
      expect(html).toContain(`<section id="${id}">`);
    }
    expect(html).toContain('<div class="value">72.4%</div>');
    expect(html).toContain('+3.1 pts vs 2026-W47');
    expect(html).toContain('-2.0 pts vs 2026-W47');
    expect(html).toContain('3 new · 1 resolved · 1 waived');
  });

  it('shows each cluster x area cell with its state', () => {
    const html = renderReportHtml(makeReportDocument());
    expect(html).toContain(
      '<span class="cell cell-not-evaluated" title="policies: Not evaluated">Not evaluated</span>',
    );
    expect(html).toContain('<span class="cell cell-not-applicable" title="gitops: n/a">n/a</span>');
    // The fixture's areas have no per-severity counts (as reports before they were recorded): the total alone.
    expect(html).toContain(
      '<span class="cell cell-fail cell-worst-critical" title="network: 1 open"><span class="count">1 open</span></span>',
    );
  });

  it('draws a compliance sparkline per cluster from its own series', () => {
    const doc = makeReportDocument();
    doc.trend.series.clusters = { 'prod-east': doc.trend.series.clusters['prod-east']!.slice(-2) };
    const html = renderReportHtml(doc);
    expect(html.match(/<svg class="sparkline"/g)).toHaveLength(1);
    // Two periods across 114px (3px margins), 0..100% across 30px: W47 0.7, W48 0.724.
    expect(html).toContain('<path class="line-compliance" d="M3,12L117,11.3"></path>');
  });

  it('highlights the ranges of the CIDR-OVERLAP finding in the network map and its table', () => {
    const html = renderReportHtml(makeReportDocument());
    const wideMap = /<svg class="chart-wide network-map".*?<\/svg>/s.exec(html)![0];
    expect(wideMap.match(/class="range-pod range-overlap"/g)).toHaveLength(2);
    expect(wideMap.match(/class="range-pool range-overlap"/g)).toHaveLength(1);
    expect(wideMap.match(/class="range-service"/g)).toHaveLength(2);
    // The phone's map draws the same ranges.
    const narrowMap = /<svg class="chart-narrow network-map".*?<\/svg>/s.exec(html)![0];
    expect(narrowMap.match(/class="range-[a-z]+[^"]*"/g)).toEqual(wideMap.match(/class="range-[a-z]+[^"]*"/g));
    expect(html.match(/<tr class="overlap-row">/g)).toHaveLength(3);
  });

  it('flags expired certificates and expired waivers, and lists Argo CD apps that drifted', () => {
    const html = renderReportHtml(makeReportDocument());
    expect(html.match(/<span class="badge expired">expired<\/span>/g)).toHaveLength(2);
    expect(html).toContain('<code>argocd/checkout</code>');
    expect(html).toContain('Deployment checkout has 0/3 ready replicas');
    expect(html).toContain('<code>argocd/billing</code>');
    expect(html).not.toContain('<code>argocd/payments</code>');
  });

  it('groups findings by severity then rule, with the remediation of the catalog', () => {
    const html = renderReportHtml(makeReportDocument());
    const order = ['CIDR-OVERLAP', 'ARGO-OUT-OF-SYNC', 'CERT-EXPIRED', 'NETPOL-NO-DEFAULT-DENY', 'QUOTA-MISSING'].map(
      (rule) => html.indexOf(`<header><h4><code>${rule}</code>`),
    );
    expect(order.every((position) => position > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const cidr = RULES.find((rule) => rule.id === 'CIDR-OVERLAP')!;
    expect(html).toContain(`<strong>Remediation:</strong> ${cidr.remediation}`);
  });

  it('lists the evidence with hashes and how to verify it', () => {
    const html = renderReportHtml(makeReportDocument());
    expect(html).toContain('3f1c2a9d4b5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8');
    expect(html).toContain(
      '<pre><code>fleetledger verify --store s3://audit-ledger/prod --period 2026-W48</code></pre>',
    );
    expect(html).toContain(
      'aws s3 cp &quot;s3://audit-ledger/prod/snapshots/cluster&#x3D;prod-east/date&#x3D;2026-11-25/2026-11-25T09-00-00.000Z.json.gz&quot; - | sha256sum',
    );
    expect(renderReportHtml(makeReportDocument(), { verifyCommand: 'fleetledger verify --store ./ledger' })).toContain(
      '<pre><code>fleetledger verify --store ./ledger</code></pre>',
    );
  });

  it('shows cluster-supplied text only escaped, and template syntax in data as literal text', () => {
    const html = renderReportHtml(makeHostileReportDocument());
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('onerror=alert');
    expect(html).toContain('east&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('checkout&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(html).toContain('team&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;=value{{constructor}}');
    expect(html).toContain('argo says &lt;script&gt;alert(1)&lt;/script&gt; {{constructor}} {{#each}}');
    expect(html).toContain('because &lt;script&gt;alert(1)&lt;/script&gt;');
    // Inside SVG <title> elements too.
    expect(html).toContain('<title>east&lt;script&gt;alert(1)&lt;/script&gt;: pod range 10.244.0.0/16</title>');
  });

  it('renders a report without trend, clusters or findings', () => {
    const doc = makeReportDocument();
    doc.clusters = [];
    doc.findings = [];
    doc.waivers = [];
    doc.evidence = [];
    doc.previousPeriod = null;
    doc.trend = {
      new: [],
      resolved: [],
      persisting: [],
      resolvedFindings: [],
      changes: [],
      series: { fleet: [], clusters: {} },
    };
    const html = renderReportHtml(doc);
    expect(html).toContain('No trend data yet.');
    expect(html).toContain('No findings this period.');
    expect(html).toContain('No earlier period with data: every finding counts as new.');
    expect(html).toContain('No network ranges were collected.');
  });
});
