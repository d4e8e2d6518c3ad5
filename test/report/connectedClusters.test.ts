/**
 * The report shows which clusters were compared with which, and why: report.json's
 * `connectivity` block and report.html's "Connected clusters" section.
 */
import { findConnectivity } from '../../src/evaluate/connectivity.js';
import type { EvaluatedConnectivity } from '../../src/evaluate/evaluate.js';
import { renderReportHtml } from '../../src/report/html/renderReportHtml.js';
import { type ReportDocument, ReportDocument as ReportDocumentSchema } from '../../src/report/schema.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { makeReportDocument } from '../support/reportFixture.js';
import { evaluation, reportOf, score, snapshotAt } from './fixtures.js';

const NOW = '2026-11-25T09:00:00.000Z';

const COMPARED_BY: EvaluatedConnectivity['comparedBy'] = {
  mesh: ['CIDR-OVERLAP', 'MESH-ROOT-CA-MISMATCH', 'POLICY-DRIFT'],
  network: ['CIDR-OVERLAP'],
  managed: ['CIDR-OVERLAP'],
};

/** host manages cluster-a (Argo CD); cluster-a and cluster-b are one mesh (label); lab is alone, its remote secrets unread. */
function fleet(): { snapshots: Snapshot[]; connectivity: EvaluatedConnectivity } {
  const host = snapshotAt('host', NOW);
  host.gitops.clusters.push({ name: 'cluster-a', server: 'https://cluster-a.k8s.example.com:6443' });
  const a = snapshotAt('cluster-a', NOW);
  a.meta.labels = { mesh: 'corp' };
  const b = snapshotAt('cluster-b', NOW);
  b.meta.labels = { mesh: 'corp' };
  const lab = snapshotAt('lab', NOW);
  lab.meta.sections.istioRemoteSecrets = { state: 'forbidden', message: 'secrets is forbidden' };
  const snapshots = [a, b, host, lab];
  const connectivity = findConnectivity(
    [
      { name: 'cluster-a', labels: { mesh: 'corp' }, aliases: ['https://cluster-a.k8s.example.com:6443'] },
      { name: 'cluster-b', labels: { mesh: 'corp' }, aliases: [] },
      { name: 'host', labels: {}, aliases: [] },
      { name: 'lab', labels: {}, aliases: [] },
    ],
    snapshots,
  );
  return { snapshots, connectivity: { ...connectivity, comparedBy: COMPARED_BY } };
}

function reportWithGroups(): ReportDocument {
  const { snapshots, connectivity } = fleet();
  const scores = Object.fromEntries(snapshots.map((s) => [s.meta.cluster, score(1, 1)]));
  return reportOf({
    period: '2026-W48',
    now: NOW,
    snapshots,
    evaluation: { ...evaluation([], scores), connectivity },
  }).doc;
}

const section = (html: string): string => {
  const start = html.indexOf('<section id="groups">');
  return html.slice(start, html.indexOf('</section>', start) + '</section>'.length);
};

describe('report.json connectivity', () => {
  it('lists each group with its kind, the rules comparing it, each member and why, then the clusters in no group', () => {
    const doc = reportWithGroups();

    const argo =
      'Argo CD cluster "cluster-a" on host names the API server https://cluster-a.k8s.example.com:6443 of cluster-a';
    expect(doc.connectivity).toEqual({
      groups: [
        {
          id: 'mesh/corp',
          kind: 'mesh',
          name: 'corp',
          comparedBy: ['CIDR-OVERLAP', 'MESH-ROOT-CA-MISMATCH', 'POLICY-DRIFT'],
          members: [
            {
              cluster: 'cluster-a',
              role: 'member',
              reasons: [{ kind: 'declared', label: 'mesh=corp', detail: 'declared by the label mesh=corp' }],
            },
            {
              cluster: 'cluster-b',
              role: 'member',
              reasons: [{ kind: 'declared', label: 'mesh=corp', detail: 'declared by the label mesh=corp' }],
            },
          ],
        },
        {
          id: 'managed/host',
          kind: 'managed',
          name: 'host',
          comparedBy: ['CIDR-OVERLAP'],
          members: ['host', 'cluster-a'].map((cluster) => ({
            cluster,
            role: cluster === 'host' ? 'manager' : 'member',
            reasons: [
              {
                kind: 'discovered',
                source: 'argocd-cluster',
                sourceCluster: 'host',
                object: 'Argo CD cluster "cluster-a"',
                target: 'cluster-a',
                server: 'https://cluster-a.k8s.example.com:6443',
                detail: argo,
              },
            ],
          })),
        },
      ],
      unconnected: ['lab'],
      unreadSources: [{ cluster: 'lab', sections: ['istioRemoteSecrets'] }],
    });
    expect(ReportDocumentSchema.parse(doc)).toEqual(doc);
  });

  it('is absent from a report without it, which still parses (reports of earlier versions)', () => {
    const doc = makeReportDocument();
    expect(doc).not.toHaveProperty('connectivity');
    expect(ReportDocumentSchema.safeParse(doc).success).toBe(true);
  });
});

describe('report.html connected clusters', () => {
  it('has its own section in the table of contents', () => {
    const html = renderReportHtml(reportWithGroups());
    expect(html).toContain('<li><a href="#groups">Connected clusters</a></li>');
    expect(html).toContain('<section id="groups">');
  });

  it('shows each group, how it is compared, each member and why it is there, and the clusters compared with none', () => {
    const html = section(renderReportHtml(reportWithGroups()));

    expect(html).toContain('<h3>Mesh group <code>corp</code></h3>');
    expect(html).toContain(
      '<p class="note">Every two members compared by CIDR-OVERLAP, MESH-ROOT-CA-MISMATCH, POLICY-DRIFT.</p>',
    );
    expect(html).toContain(
      '<tr><td data-label="Cluster">cluster-a</td><td data-label="Why it is in the group"><ul class="reasons"><li><span class="reason-kind">declared</span> label <code>mesh&#x3D;corp</code></li></ul></td></tr>',
    );
    expect(html).toContain('<h3>Managed by <code>host</code></h3>');
    expect(html).toContain('<p class="note">The manager compared with each member by CIDR-OVERLAP.</p>');
    expect(html).toContain(
      '<tr><td data-label="Cluster">host <span class="badge muted">manager</span></td><td data-label="Why it is in the group">its objects name the API servers of the members below</td></tr>',
    );
    expect(html).toContain(
      '<tr><td data-label="Cluster">cluster-a</td><td data-label="Why it is in the group"><ul class="reasons"><li><span class="reason-kind">discovered</span> Argo CD cluster &quot;cluster-a&quot; on host names the API server https://cluster-a.k8s.example.com:6443 of cluster-a</li></ul></td></tr>',
    );
    expect(html).toContain('<h3>Compared with none</h3>');
    expect(html).toContain('<ul class="unconnected"><li>lab</li></ul>');
    expect(html).toContain(
      '<p class="note">Not read, so the connections these clusters show are unknown: lab (istioRemoteSecrets).</p>',
    );
  });

  it('says so when no two clusters are connected', () => {
    const doc = reportWithGroups();
    doc.connectivity = { groups: [], unconnected: ['lab', 'shop'], unreadSources: [] };

    const html = section(renderReportHtml(doc));

    expect(html).toContain('<p>No two clusters are connected: none is compared with another.</p>');
    expect(html).toContain('<ul class="unconnected"><li>lab</li><li>shop</li></ul>');
  });

  it('says when the report did not record connected clusters', () => {
    expect(section(renderReportHtml(makeReportDocument()))).toContain(
      '<p class="note">This report does not record which clusters are connected (made by an earlier version).</p>',
    );
  });

  it('escapes what clusters wrote (object names, addresses)', () => {
    const doc = reportWithGroups();
    const reason = doc.connectivity!.groups[1]!.members[1]!.reasons[0]!;
    reason.detail = 'Argo CD cluster "<img src=x onerror=alert(1)>" on host names {{constructor}}';

    const html = section(renderReportHtml(doc));

    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(html).toContain('{{constructor}}');
  });
});
