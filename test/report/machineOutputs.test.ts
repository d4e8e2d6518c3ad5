import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import type { Finding, Waiver } from '../../src/evaluate/types.js';
import { FINDINGS_CSV_COLUMNS, renderFindingsCsv } from '../../src/report/findingsCsv.js';
import { type ClusterPolicyReport, policyReportName, renderPolicyReportYaml } from '../../src/report/policyReport.js';
import { evaluation, finding, reportOf, score, snapshotAt } from './fixtures.js';

const NOW = '2026-11-25T09:00:00.000Z';

/** Python's csv module (strict) as an independent RFC 4180 reader. */
function parseCsvWithPython(text: string): string[][] {
  const script =
    'import csv, io, json, sys\n' +
    "rows = list(csv.reader(io.TextIOWrapper(sys.stdin.buffer, encoding='utf-8', newline=''), strict=True))\n" +
    'print(json.dumps(rows))';
  return JSON.parse(execFileSync('python3', ['-c', script], { input: text, encoding: 'utf-8' })) as string[][];
}

const waiver: Waiver = {
  rule: 'QUOTA-MISSING',
  cluster: 'prod-*',
  reason: 'batch namespace',
  owner: 'team-ledger',
  expires: '2026-12-31',
};

function sampleReport() {
  const tricky: Finding = {
    ...finding('CONSTRAINT-VIOLATIONS', 'prod-east', 'K8sRequiredLabels/owner', { severity: 'high' }),
    message: 'namespace "payments", "web"\nmissing label owner, team; see <policy>',
  };
  const fleet: Finding = {
    ...finding('CIDR-OVERLAP', 'prod-east', 'IPPool/inter-cluster-pool', { severity: 'critical' }),
    cluster: undefined,
    clusters: ['prod-east', 'prod-west'],
    message: '=HYPERLINK("http://evil.example")',
  };
  const waived = finding('QUOTA-MISSING', 'prod-east', 'Namespace/batch', { severity: 'low', waiver });
  const west = finding('QUOTA-MISSING', 'prod-west', 'Namespace/web', { severity: 'low' });
  return reportOf({
    period: '2026-W48',
    now: NOW,
    snapshots: [snapshotAt('prod-east', NOW), snapshotAt('prod-west', NOW), snapshotAt('lab', NOW)],
    evaluation: evaluation([tricky, fleet, waived, west], {
      'prod-east': score(0.5, 1),
      'prod-west': score(0.5, 1),
      lab: score(1, 1),
    }),
    waivers: [waiver],
  }).doc;
}

describe('findings.csv', () => {
  it('quotes commas, quotes and line breaks as RFC 4180 says, so a strict reader gets the exact values back', () => {
    // Prepare
    const doc = sampleReport();

    // Act
    const csv = renderFindingsCsv(doc);
    const rows = parseCsvWithPython(csv);

    // Assess
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(rows[0]).toEqual([...FINDINGS_CSV_COLUMNS]);
    expect(rows).toHaveLength(1 + doc.findings.length);
    const byId = new Map(rows.slice(1).map((row) => [row[0], row]));
    const tricky = doc.findings.find((f) => f.rule === 'CONSTRAINT-VIOLATIONS')!;
    expect(byId.get(tricky.id)).toEqual([
      tricky.id,
      'high',
      'open',
      'CONSTRAINT-VIOLATIONS',
      'prod-east',
      'K8sRequiredLabels/owner',
      'namespace "payments", "web"\nmissing label owner, team; see <policy>',
      '2026-11-25T09:00:00.000Z',
      '0',
      '',
      '',
    ]);
    const waived = doc.findings.find((f) => f.status === 'waived')!;
    expect(byId.get(waived.id)?.slice(9)).toEqual(['team-ledger', '2026-12-31']);
  });

  it('neutralises cells a spreadsheet would run as a formula, and joins the clusters of a fleet finding', () => {
    const doc = sampleReport();
    const rows = parseCsvWithPython(renderFindingsCsv(doc));
    const overlap = rows.find((row) => row[3] === 'CIDR-OVERLAP')!;
    expect(overlap[4]).toBe('prod-east;prod-west');
    expect(overlap[6]).toBe('\'=HYPERLINK("http://evil.example")');
  });
});

describe('policyreport.yaml', () => {
  it('parses as one ClusterPolicyReport per cluster, fleet findings in each cluster they name, with exact counts', () => {
    // Prepare
    const doc = sampleReport();

    // Act
    const documents = parseAllDocuments(renderPolicyReportYaml(doc)).map((d) => {
      expect(d.errors).toEqual([]);
      return d.toJS() as ClusterPolicyReport;
    });

    // Assess
    expect(
      documents.map((d) => [d.apiVersion, d.kind, d.metadata.name, d.metadata.annotations['fleetledger.dev/cluster']]),
    ).toEqual([
      ['wgpolicyk8s.io/v1alpha2', 'ClusterPolicyReport', 'fleetledger-lab', 'lab'],
      ['wgpolicyk8s.io/v1alpha2', 'ClusterPolicyReport', 'fleetledger-prod-east', 'prod-east'],
      ['wgpolicyk8s.io/v1alpha2', 'ClusterPolicyReport', 'fleetledger-prod-west', 'prod-west'],
    ]);
    expect(documents.map((d) => d.summary)).toEqual([
      { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 },
      { pass: 0, fail: 2, warn: 0, error: 0, skip: 1 },
      { pass: 0, fail: 2, warn: 0, error: 0, skip: 0 },
    ]);
    const east = documents[1]!;
    expect(east.results.map((r) => [r.policy, r.rule, r.result, r.severity])).toEqual([
      ['CIDR-OVERLAP', 'CIDR-OVERLAP', 'fail', 'critical'],
      ['CONSTRAINT-VIOLATIONS', 'CONSTRAINT-VIOLATIONS', 'fail', 'high'],
      ['QUOTA-MISSING', 'QUOTA-MISSING', 'skip', 'low'],
    ]);
    expect(east.results[2]).toMatchObject({
      source: 'fleetledger',
      category: 'quotas',
      resources: [{ kind: 'Namespace', name: 'batch' }],
      properties: { waiverOwner: 'team-ledger', waiverExpires: '2026-12-31', waiverReason: 'batch namespace' },
      timestamp: { seconds: Date.parse(NOW) / 1000, nanos: 0 },
    });
    expect(east.results[1]!.message).toBe('namespace "payments", "web"\nmissing label owner, team; see <policy>');
  });

  it('names reports with DNS-1123 names and keeps two clusters that clean up alike apart', () => {
    expect(policyReportName('prod-east')).toBe('fleetledger-prod-east');
    expect(policyReportName('Prod_East')).toMatch(/^fleetledger-prod-east-[0-9a-f]{8}$/);
    expect(policyReportName('Prod_East')).not.toBe(policyReportName('prod_east'));
  });
});
