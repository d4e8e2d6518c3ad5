import { DateTime } from 'luxon';
import { parsePeriod } from '../../src/core/period.js';
import type { RuleThresholds } from '../../src/evaluate/thresholds.js';
import { buildReport } from '../../src/report/buildReport.js';
import { renderEmail } from '../../src/report/email/renderEmail.js';
import { renderReportHtml } from '../../src/report/html/renderReportHtml.js';
import { ReportDocument } from '../../src/report/schema.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { allSectionsOk } from '../support/snapshotFixture.js';
import { evaluation, finding, score, snapshotAt, storedAs, tallies } from './fixtures.js';

const W48 = '2026-11-25T09:00:00.000Z';
const FORBIDDEN_APPLICATIONSETS =
  'GET /apis/argoproj.io/v1alpha1/applicationsets: HTTP 403: applicationsets.argoproj.io is forbidden: User "system:serviceaccount:fleetledger:fleetledger-reader" cannot list resource "applicationsets" in API group "argoproj.io" at the cluster scope';
const LINKS = { report: 'report.html', json: 'report.json', csv: 'findings.csv' };

const namespaced = (...names: string[]) => names.map((name) => ({ name, labels: {}, phase: 'Active' }));

function report(
  snapshots: Snapshot[],
  thresholds?: Partial<RuleThresholds>,
  checks = snapshots.flatMap((s) => tallies(s.meta.cluster)),
) {
  return buildReport({
    period: parsePeriod('2026-W48'),
    now: DateTime.fromISO(W48, { zone: 'utc' }),
    storeLocation: '/ledger',
    current: snapshots.map(storedAs),
    gaps: [],
    evaluation: evaluation(
      [],
      Object.fromEntries(snapshots.map((s) => [s.meta.cluster, score(1, 1)])),
      score(1, 1),
      [],
      checks,
    ),
    previous: null,
    history: [],
    waivers: [],
    ...(thresholds ? { thresholds } : {}),
  });
}

describe('the namespaces the tenant-hygiene rules skipped, in report.json', () => {
  const host = snapshotAt('host', W48, {
    namespaces: namespaced('argocd', 'default', 'kube-system', 'kube-federation-system', 'payments', 'team-ops'),
  });

  it('are listed per cluster with the entry that matched and why', () => {
    const doc = report([host], { extraPlatformNamespaces: ['team-*'] });
    expect(doc.clusters[0]!.skippedNamespaces).toEqual({
      rules: ['QUOTA-MISSING', 'LIMITRANGE-MISSING', 'NETPOL-NO-DEFAULT-DENY', 'MTLS-NOT-STRICT'],
      namespaces: [
        { namespace: 'argocd', reason: 'platform', pattern: 'argocd', addOn: 'Argo CD', source: 'built-in' },
        { namespace: 'default', reason: 'platform', pattern: 'default', addOn: 'Kubernetes', source: 'built-in' },
        {
          namespace: 'kube-federation-system',
          reason: 'platform',
          pattern: 'kube-federation-system',
          addOn: 'KubeFed',
          source: 'built-in',
        },
        {
          namespace: 'kube-system',
          reason: 'excluded',
          pattern: 'kube-system',
          addOn: null,
          source: 'rules.excludeNamespaces',
        },
        {
          namespace: 'team-ops',
          reason: 'platform',
          pattern: 'team-*',
          addOn: null,
          source: 'rules.extraPlatformNamespaces',
        },
      ],
    });
  });

  it('name only the tenant-hygiene rules that ran, and count only the namespaces those rules check in the facts', () => {
    const doc = report([host], { disabled: ['MTLS-NOT-STRICT', 'QUOTA-MISSING'] });
    expect(doc.clusters[0]!.skippedNamespaces?.rules).toEqual(['LIMITRANGE-MISSING', 'NETPOL-NO-DEFAULT-DENY']);
    expect(doc.clusters[0]!.facts?.namespaces.total).toBe(2);
  });

  it('are none for a cluster whose snapshot could not be read', () => {
    const unreachable = snapshotAt('lab', W48, {
      meta: { status: 'unreachable', unreachableReason: 'GET /version: connect ECONNREFUSED 10.0.0.9:6443' },
    });
    expect(report([unreachable]).clusters[0]!.skippedNamespaces?.namespaces).toEqual([]);
  });

  it('still parse from a report written before they were recorded', () => {
    const doc = JSON.parse(JSON.stringify(report([host])));
    delete doc.clusters[0].skippedNamespaces;
    delete doc.clusters[0].problems;
    for (const area of Object.values(doc.clusters[0].areas) as Record<string, unknown>[]) delete area['counts'];
    expect(ReportDocument.safeParse(doc).success).toBe(true);
  });
});

describe('problems in people words, with the raw error kept', () => {
  const sections = {
    ...allSectionsOk(),
    tlsSecrets: { state: 'forbidden' as const, message: 'GET /api/v1/secrets: HTTP 403: secrets is forbidden' },
    argocdApplicationSets: { state: 'forbidden' as const, message: FORBIDDEN_APPLICATIONSETS },
  };
  const host = snapshotAt('host', W48, { meta: { status: 'partial', sections } });
  const lab = snapshotAt('lab', W48, {
    meta: { status: 'unreachable', unreachableReason: 'GET /version: connect ECONNREFUSED 10.0.0.9:6443' },
  });
  const doc = report([host, lab], undefined, [
    ...tallies('host', { certificates: 'not-evaluated' }),
    ...tallies('lab', {
      quotas: 'not-evaluated',
      policies: 'not-evaluated',
      network: 'not-evaluated',
      certificates: 'not-evaluated',
      gitops: 'not-evaluated',
    }),
  ]);

  it('says in the status cell what could not be read, and keeps the API error in report.json', () => {
    expect(doc.clusters.map((c) => [c.name, c.statusReason])).toEqual([
      [
        'host',
        'cannot list TLS Secrets (forbidden for the reader role); cannot list ApplicationSets (forbidden for the reader role)',
      ],
      ['lab', 'could not reach the API server (connection refused)'],
    ]);
    expect(doc.clusters.map((c) => c.problems)).toEqual([
      [
        {
          section: 'tlsSecrets',
          state: 'forbidden',
          summary: 'cannot list TLS Secrets (forbidden for the reader role)',
          detail: 'GET /api/v1/secrets: HTTP 403: secrets is forbidden',
        },
        {
          section: 'argocdApplicationSets',
          state: 'forbidden',
          summary: 'cannot list ApplicationSets (forbidden for the reader role)',
          detail: FORBIDDEN_APPLICATIONSETS,
        },
      ],
      [
        {
          section: null,
          state: 'unreachable',
          summary: 'could not reach the API server (connection refused)',
          detail: 'GET /version: connect ECONNREFUSED 10.0.0.9:6443',
        },
      ],
    ]);
  });

  it('says in a not-evaluated matrix cell why, in the same words', () => {
    expect(doc.clusters[0]!.areas.certificates).toEqual({
      state: 'not-evaluated',
      open: 0,
      worstSeverity: null,
      counts: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      reason: 'cannot list TLS Secrets (forbidden for the reader role)',
    });
    expect(doc.clusters[0]!.areas.quotas.reason).toBeUndefined();
    expect(doc.clusters[1]!.areas.quotas.reason).toBe('could not reach the API server (connection refused)');

    const html = renderReportHtml(doc);
    expect(html).toContain(
      '<span class="cell cell-not-evaluated" title="certificates: Not evaluated: cannot list TLS Secrets (forbidden for the reader role)">Not evaluated<small>cannot list TLS Secrets (forbidden for the reader role)</small></span>',
    );
  });

  it('tells the e-mail reader in words and never shows the API error there', () => {
    const email = renderEmail(doc, LINKS);
    expect(email.text).toContain(
      '- host: partial (cannot list TLS Secrets (forbidden for the reader role); cannot list ApplicationSets (forbidden for the reader role))\n',
    );
    expect(email.text).toContain('- lab: unreachable (could not reach the API server (connection refused))\n');
    for (const part of [email.text, email.html]) {
      expect(part).not.toContain('HTTP 403');
      expect(part).not.toContain('ECONNREFUSED');
    }
  });

  it('shows the words in the matrix and keeps the raw errors for the appendix of report.html', () => {
    const html = renderReportHtml(doc);
    const [beforeAppendix, appendix] = html.split('<section id="appendix">');
    expect(beforeAppendix).toContain(
      '<div class="reason">cannot list TLS Secrets (forbidden for the reader role); cannot list ApplicationSets (forbidden for the reader role)</div>',
    );
    expect(beforeAppendix).not.toContain('HTTP 403');
    expect(appendix).toContain('<h3>Collection problems</h3>');
    expect(appendix).toContain(
      '<tr><td data-label="Cluster">host</td><td data-label="Section"><code>argocdApplicationSets</code></td><td data-label="State">forbidden</td><td data-label="Problem">cannot list ApplicationSets (forbidden for the reader role)</td><td class="raw" data-label="Error"><code>GET /apis/argoproj.io/v1alpha1/applicationsets: HTTP 403: applicationsets.argoproj.io is forbidden: User &quot;system:serviceaccount:fleetledger:fleetledger-reader&quot; cannot list resource &quot;applicationsets&quot; in API group &quot;argoproj.io&quot; at the cluster scope</code></td></tr>',
    );
    expect(appendix).toContain(
      '<tr><td data-label="Cluster">lab</td><td data-label="Section">whole cluster</td><td data-label="State">unreachable</td><td data-label="Problem">could not reach the API server (connection refused)</td><td class="raw" data-label="Error"><code>GET /version: connect ECONNREFUSED 10.0.0.9:6443</code></td></tr>',
    );
  });
});

describe('the skipped namespaces in report.html', () => {
  it('are listed in the appendix, a row per cluster, with the add-on or glob that matched, escaped', () => {
    const doc = report(
      [snapshotAt('host', W48, { namespaces: namespaced('argocd', 'payments', 'ops-<img src=x onerror=alert(1)>') })],
      { extraPlatformNamespaces: ['ops-*'] },
    );
    const appendix = renderReportHtml(doc).split('<section id="appendix">')[1]!;
    expect(appendix).toContain('<h3>Namespaces the tenant-hygiene rules skipped</h3>');
    expect(appendix).toContain(
      '<tr><td data-label="Cluster">host</td><td data-label="Platform namespaces"><code>argocd</code> <span class="reason">Argo CD</span>, <code>ops-&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;</code> <span class="reason">rules.extraPlatformNamespaces: ops-*</span></td><td data-label="Excluded">–</td></tr>',
    );
    expect(appendix).not.toContain('<code>payments</code>');
  });
});

describe('the clusters x areas matrix', () => {
  it('counts the open findings of a failing area by severity and colours the cell by the worst', () => {
    // Prepare
    const snapshots = [snapshotAt('c1', W48)];
    const findings = [
      finding('NETPOL-NO-DEFAULT-DENY', 'c1', 'Namespace/a'),
      finding('NETPOL-NO-DEFAULT-DENY', 'c1', 'Namespace/b'),
      finding('MTLS-NOT-STRICT', 'c1', 'Namespace/a', { severity: 'high' }),
      finding('CIDR-OVERLAP', 'c1', 'IPPool/x', { severity: 'high' }),
      finding('MTLS-NOT-STRICT', 'c1', 'Namespace/waived', {
        waiver: { rule: 'MTLS-NOT-STRICT', cluster: 'c1', reason: 'r', owner: 'o', expires: '2099-01-01' },
      }),
    ];
    const doc = buildReport({
      period: parsePeriod('2026-W48'),
      now: DateTime.fromISO(W48, { zone: 'utc' }),
      storeLocation: '/ledger',
      current: snapshots.map(storedAs),
      gaps: [],
      evaluation: evaluation(findings, { c1: score(0.5, 1) }),
      previous: null,
      history: [],
      waivers: [],
    });

    // Act
    const html = renderReportHtml(doc);

    // Assess
    expect(doc.clusters[0]!.areas.network).toEqual({
      state: 'fail',
      open: 4,
      worstSeverity: 'high',
      counts: { critical: 0, high: 2, medium: 2, low: 0, info: 0 },
    });
    expect(html).toContain(
      '<span class="cell cell-fail cell-worst-high" title="network: 2 high, 2 medium open"><span class="count">2 high</span> · <span class="count">2 medium</span></span>',
    );
    expect(html).not.toMatch(/>Fail</);
  });
});
