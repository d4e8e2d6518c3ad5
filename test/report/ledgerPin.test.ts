/**
 * Every report names the ledger head it rests on, so every reader holds a checkpoint: report.html
 * (masthead and appendix), the e-mail (text and HTML) and the verify command they print.
 */
import { renderEmail } from '../../src/report/email/renderEmail.js';
import { renderReportHtml } from '../../src/report/html/renderReportHtml.js';
import type { ReportDocument } from '../../src/report/schema.js';
import { makePinnedReportDocument, makeReportDocument } from '../support/reportFixture.js';

const LINKS = { report: 'report.html', json: 'report.json', csv: 'findings.csv' };
const HEAD = makePinnedReportDocument().ledger!.head!;
const KEY = makePinnedReportDocument().ledger!.signingKey!;

/** The pinned report, signed and not a backfill unless the test says otherwise. */
function pinned(ledger: Partial<NonNullable<ReportDocument['ledger']>> = {}): ReportDocument {
  const doc = makePinnedReportDocument();
  return { ...doc, ledger: { ...doc.ledger!, backfill: false, backfilledEvidence: [], ...ledger } };
}

const VERIFY = `fleetledger verify --store s3://audit-ledger/prod --period 2026-W48 --public-key fleetledger-signing.pub --expect-head ${HEAD.sha256}`;

describe('the ledger head in the report and the e-mail', () => {
  it('prints the head, its SHA-256, the signing key and the verify command that checks them in report.html', () => {
    const html = renderReportHtml(pinned());

    expect(html).toContain('<span>Head <code>0f3e089576c4…</code> signed</span>');
    expect(html).toContain(
      `This report rests on the ledger head <code>${HEAD.manifest}</code>, SHA-256 <span class="mono hash-inline">${HEAD.sha256}</span>.`,
    );
    expect(html).toContain(`signed by the key with fingerprint <span class="mono hash-inline">${KEY}</span>`);
    expect(html).toContain(
      'Check the whole ledger for the period (every hash, the manifest chain, nothing missing or altered, every signature, the head above):',
    );
    expect(html).toContain(`<pre><code>${VERIFY}</code></pre>`);
    expect(html).not.toContain('This report is a backfill');
  });

  it('says when the ledger is unsigned, and marks a backfill report and its backfilled evidence', () => {
    const doc = pinned({ signingKey: null, backfill: true });
    const evidenceKey = doc.evidence[0]!.key;
    const html = renderReportHtml({ ...doc, ledger: { ...doc.ledger!, backfilledEvidence: [evidenceKey] } });

    expect(html).toContain('<span>Head <code>0f3e089576c4…</code> unsigned</span>');
    expect(html).toContain('Its runs are not signed: the check below proves the ledger whole, not who wrote it.');
    expect(html).toContain(
      `<pre><code>fleetledger verify --store s3://audit-ledger/prod --period 2026-W48 --expect-head ${HEAD.sha256}</code></pre>`,
    );
    expect(html).toContain('<strong>This report is a backfill:</strong>');
    expect(html.match(/\(backfill run\)/g)).toHaveLength(1);
  });

  it('gives every e-mail recipient the head and the command, in the text and the HTML part', () => {
    const email = renderEmail(pinned(), LINKS);
    const line = `Ledger head ${HEAD.sha256} (${HEAD.manifest}), signed by ${KEY}`;

    expect(email.text.split('\n').slice(-3)).toEqual([line, `Verify the evidence: ${VERIFY}`, '']);
    expect(email.html).toContain(`<br><span style="word-break:break-all;">${line}</span>`);
    expect(email.html).toContain(
      `verify the evidence with <span style="font-family:Consolas,Menlo,monospace;">${VERIFY}</span>`,
    );
  });

  it('keeps the verify command of reports from before the ledger block', () => {
    const email = renderEmail(makeReportDocument(), LINKS);

    expect(email.text.split('\n').slice(-2)).toEqual([
      'Verify the evidence: fleetledger verify --store s3://audit-ledger/prod --period 2026-W48',
      '',
    ]);
    expect(renderReportHtml(makeReportDocument())).not.toContain('id="ledger-head"');
  });
});
