import { parseAllDocuments } from 'yaml';
import type { Finding } from '../../src/evaluate/types.js';
import { renderEmail } from '../../src/report/email/renderEmail.js';
import { renderFindingsCsv } from '../../src/report/findingsCsv.js';
import { renderReportHtml } from '../../src/report/html/renderReportHtml.js';
import { type ClusterPolicyReport, renderPolicyReportYaml, resourceReference } from '../../src/report/policyReport.js';
import { evaluation, finding, reportOf, score, snapshotAt } from './fixtures.js';

const NOW = '2026-11-25T09:00:00.000Z';

function reportWith(findings: Finding[]) {
  return reportOf({
    period: '2026-W48',
    now: NOW,
    snapshots: [snapshotAt('a', NOW), snapshotAt('b', NOW)],
    evaluation: evaluation(findings, { a: score(0.5, 1), b: score(0.5, 1) }),
  }).doc;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('terminal escape codes in cluster-supplied text', () => {
  const doc = reportWith([
    {
      ...finding('ARGO-SYNC-FAILED', 'a', 'Application/argocd/web', { severity: 'high' }),
      message: 'sync failed: \u001b]0;owned\u0007\u001b[2J\u001b[31mcleared\u001b[0m\nsecond line',
    },
  ]);

  it('never reach findings.csv, whose cells keep their line breaks', () => {
    const csv = renderFindingsCsv(doc);
    expect(TERMINAL_CONTROLS.test(csv.replaceAll('\r\n', '\n'))).toBe(false);
    expect(csv).toContain('"sync failed: ]0;owned[2J[31mcleared[0m\nsecond line"');
  });

  it('never reach report.html, email.html or email.txt', () => {
    const email = renderEmail(doc, { report: 'report.html', json: 'report.json', csv: 'findings.csv' });
    const html = renderReportHtml(doc);
    expect(html).toContain('sync failed: ]0;owned[2J[31mcleared[0m');
    for (const text of [html, email.html, email.text, email.subject]) {
      expect(TERMINAL_CONTROLS.test(text.replaceAll('\r\n', '\n'))).toBe(false);
    }
  });
});

describe('policyreport.yaml resources', () => {
  it('reference namespaced kinds with their namespace and cluster-scoped kinds by name only', () => {
    expect(resourceReference('Application/argocd/web')).toEqual({
      kind: 'Application',
      namespace: 'argocd',
      name: 'web',
    });
    expect(resourceReference('Namespace/batch-jobs')).toEqual({ kind: 'Namespace', name: 'batch-jobs' });
    expect(resourceReference('K8sRequiredLabels/must-have-owner')).toEqual({
      kind: 'K8sRequiredLabels',
      name: 'must-have-owner',
    });
  });

  it('are left out for pseudo-kinds, pairs and names that are no object name', () => {
    expect(
      [
        'Waiver/LIMITRANGE-MISSING/Namespace/batch-jobs',
        'IPPool/a <> Node/b',
        'Cluster/https://x',
        'Cluster/prod',
        'Section/argocd',
        'Mesh/default',
        'APIServer/serving-certificate',
        'PodCIDR/10.0.0.0/16',
        'Namespace/a/b',
        'Application/web',
      ].map(resourceReference),
    ).toEqual(Array(10).fill(null));
  });

  it('carry no resources entry for a waiver or cluster pair finding, the resource text kept as a property', () => {
    const doc = reportWith([
      {
        ...finding('CIDR-OVERLAP', 'a', 'IPPool/a <> Node/b', { severity: 'high' }),
        cluster: undefined,
        clusters: ['a', 'b'],
      },
      finding('QUOTA-MISSING', 'a', 'Namespace/batch-jobs'),
    ]);
    const reports = parseAllDocuments(renderPolicyReportYaml(doc)).map((d) => d.toJS() as ClusterPolicyReport);
    const a = reports.find((r) => r.metadata.annotations['fleetledger.dev/cluster'] === 'a')!;
    expect(a.results.map((r) => [r.policy, r.resources ?? null, r.properties['resource']])).toEqual([
      ['CIDR-OVERLAP', null, 'IPPool/a <> Node/b'],
      ['QUOTA-MISSING', [{ kind: 'Namespace', name: 'batch-jobs' }], 'Namespace/batch-jobs'],
    ]);
  });
});
