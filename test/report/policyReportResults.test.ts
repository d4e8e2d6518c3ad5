/**
 * policyreport.yaml and openreports.yaml as Policy Reporter and Kubernetes read them: every result
 * carries the finding id as `properties.resultID` (the same week after week, so nothing is
 * notified twice), every string is quoted (a YAML 1.1 reader such as Go's or PyYAML's takes no
 * timestamp, date or yes/no for anything but text), and a cluster's results are split across
 * reports of at most 500 results.
 */
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { findingId } from '../../src/evaluate/findingId.js';
import type { Finding, Waiver } from '../../src/evaluate/types.js';
import { type OpenClusterReport, renderOpenReportsYaml } from '../../src/report/openReports.js';
import {
  buildPolicyReports,
  type ClusterPolicyReport,
  MAX_RESULTS_PER_REPORT,
  renderPolicyReportYaml,
} from '../../src/report/policyReport.js';
import type { ReportDocument } from '../../src/report/schema.js';
import { evaluation, finding, noDataReportOf, reportOf, score, snapshotAt } from './fixtures.js';

const NOW = '2026-11-25T09:00:00.000Z';

const waiver: Waiver = {
  rule: 'QUOTA-MISSING',
  cluster: 'prod-east',
  resource: 'Namespace/batch',
  reason: 'batch jobs',
  owner: 'team-ledger',
  expires: '2026-12-31',
};

function yamlObjects<T>(text: string): T[] {
  return parseAllDocuments(text).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as T;
  });
}

/** PyYAML (YAML 1.1, as Go's readers) on the stream: the Python type of every value it read. */
function typesSeenByPyYaml(text: string): unknown[] {
  const script =
    'import json, sys, yaml\n' +
    'def types(v):\n' +
    '    if isinstance(v, dict): return {k: types(x) for k, x in v.items()}\n' +
    '    if isinstance(v, list): return [types(x) for x in v]\n' +
    '    return type(v).__name__\n' +
    'print(json.dumps([types(d) for d in yaml.safe_load_all(sys.stdin)]))';
  return JSON.parse(execFileSync('python3', ['-c', script], { input: text, encoding: 'utf-8' })) as unknown[];
}

/** `count` QUOTA-MISSING findings on `cluster`, Namespace/ns-0000 ... */
function manyFindings(cluster: string, count: number, from = 0): Finding[] {
  return Array.from({ length: count }, (_, i) =>
    finding('QUOTA-MISSING', cluster, `Namespace/ns-${String(from + i).padStart(4, '0')}`, { severity: 'low' }),
  );
}

function reportWith(findings: Finding[], clusters: string[], now = NOW, period = '2026-W48'): ReportDocument {
  return reportOf({
    period,
    now,
    snapshots: clusters.map((c) => snapshotAt(c, now)),
    evaluation: evaluation(findings, Object.fromEntries(clusters.map((c) => [c, score(0.5, 1)]))),
    waivers: [waiver],
  }).doc;
}

describe('policyreport.yaml results', () => {
  it('carry the finding id as properties.resultID, the same in the next week’s report', () => {
    // Prepare
    const open = finding('QUOTA-MISSING', 'prod-east', 'Namespace/web');
    const week48 = reportOf({
      period: '2026-W48',
      now: NOW,
      snapshots: [snapshotAt('prod-east', NOW)],
      evaluation: evaluation([open], { 'prod-east': score(0.5, 1) }),
    });
    const later = '2026-12-02T09:00:00.000Z';
    const week49 = reportOf(
      {
        period: '2026-W49',
        now: later,
        snapshots: [snapshotAt('prod-east', later)],
        evaluation: evaluation([open], { 'prod-east': score(0.5, 1) }),
      },
      [week48.entry],
    );

    // Act
    const [first] = yamlObjects<ClusterPolicyReport>(renderPolicyReportYaml(week48.doc));
    const [second] = yamlObjects<ClusterPolicyReport>(renderPolicyReportYaml(week49.doc));

    // Assess
    const id = findingId('QUOTA-MISSING', ['prod-east'], 'Namespace/web');
    expect(first!.results.map((r) => r.properties['resultID'])).toEqual([id]);
    expect(second!.results.map((r) => r.properties['resultID'])).toEqual([id]);
    expect(second!.results[0]!.properties['trend']).toBe('persisting');
  });

  it('quote every string, so a YAML 1.1 reader takes timestamps, dates and numbers in text as text', () => {
    // Prepare
    const doc = reportWith(
      [
        finding('QUOTA-MISSING', 'prod-east', 'Namespace/batch', { waiver }),
        finding('CONSTRAINT-VIOLATIONS', 'prod-east', 'K8sRequiredLabels/yes', { message: 'on' }),
      ],
      ['prod-east'],
    );

    // Act
    const text = renderPolicyReportYaml(doc);
    const types = typesSeenByPyYaml(text) as {
      metadata: { annotations: Record<string, string> };
      results: { message: string; properties: Record<string, string>; timestamp: Record<string, string> }[];
    }[];

    // Assess
    expect(text).toContain('    fleetledger.dev/generated-at: "2026-11-25T09:00:00.000Z"\n');
    expect(text).toContain('"firstSeen":"2026-11-25T09:00:00.000Z"');
    expect(text).toContain('"waiverExpires":"2026-12-31"');
    expect(text).toContain('"ageDays":"0"');
    expect(types).toHaveLength(1);
    const report = types[0]!;
    expect(new Set(Object.values(report.metadata.annotations))).toEqual(new Set(['str']));
    for (const result of report.results) {
      expect(new Set(Object.values(result.properties))).toEqual(new Set(['str']));
      expect(result.message).toBe('str');
      expect(result.timestamp).toEqual({ seconds: 'int', nanos: 'int' });
    }
  });

  it('split a cluster with 1200 results into 3 reports named -1, -2, -3, every result in exactly one', () => {
    // Prepare
    const big = manyFindings('big', 1200);
    const doc = reportWith([...big, ...manyFindings('small', 2)], ['big', 'small']);

    // Act
    const reports = yamlObjects<ClusterPolicyReport>(renderPolicyReportYaml(doc));

    // Assess
    expect(reports.map((r) => r.metadata.name)).toEqual([
      'fleetledger-big-1',
      'fleetledger-big-2',
      'fleetledger-big-3',
      'fleetledger-small',
    ]);
    expect(
      reports.map((r) => [
        r.metadata.annotations['fleetledger.dev/part'],
        r.metadata.annotations['fleetledger.dev/parts'],
      ]),
    ).toEqual([
      ['1', '3'],
      ['2', '3'],
      ['3', '3'],
      [undefined, undefined],
    ]);
    const parts = reports.slice(0, 3);
    for (const part of parts) {
      expect(part.metadata.annotations['fleetledger.dev/cluster']).toBe('big');
      expect(part.results.length).toBeLessThanOrEqual(MAX_RESULTS_PER_REPORT);
      expect(part.results.length).toBeGreaterThan(0);
      expect(part.summary).toEqual({ pass: 0, fail: part.results.length, warn: 0, error: 0, skip: 0 });
    }
    const ids = parts.flatMap((p) => p.results.map((r) => r.properties['resultID']));
    expect(ids).toHaveLength(1200);
    expect(new Set(ids)).toEqual(new Set(big.map((f) => f.id)));
    expect(reports[3]!.results).toHaveLength(2);
  });

  it('keep each result in its part when other findings of the cluster come and go', () => {
    // Prepare: a week later, 40 findings were fixed and 40 others appeared.
    const before = manyFindings('big', 1200);
    const after = [...before.slice(40), ...manyFindings('big', 40, 5000)];

    // Act
    const partOf = (findings: Finding[]) =>
      new Map(
        buildPolicyReports(reportWith(findings, ['big'])).flatMap((r) =>
          r.results.map((result) => [result.properties['resultID']!, r.metadata.name] as const),
        ),
      );
    const first = partOf(before);
    const second = partOf(after);

    // Assess
    const kept = before.slice(40).map((f) => f.id);
    expect(kept.filter((id) => first.get(id) !== second.get(id))).toEqual([]);
    expect(new Set(second.values())).toEqual(new Set(['fleetledger-big-1', 'fleetledger-big-2', 'fleetledger-big-3']));
  });

  it('name the parts apart from another cluster whose report name they would take', () => {
    // Prepare: the parts of "big" would be fleetledger-big-1 ..., the report of cluster "big-1".
    const doc = reportWith([...manyFindings('big', 600), ...manyFindings('big-1', 1)], ['big', 'big-1']);

    // Act
    const names = buildPolicyReports(doc).map((r) => [
      r.metadata.name,
      r.metadata.annotations['fleetledger.dev/cluster'],
    ]);

    // Assess
    expect(names).toHaveLength(3);
    expect(names[0]).toEqual([expect.stringMatching(/^fleetledger-big-[0-9a-f]{8}-1$/), 'big']);
    expect(names[1]).toEqual([names[0]![0]!.replace(/-1$/, '-2'), 'big']);
    expect(names[2]).toEqual(['fleetledger-big-1', 'big-1']);
  });

  it('give the no-data result of a cluster the id a SNAPSHOT-MISSING finding of it has', () => {
    // Prepare
    const doc = noDataReportOf({ period: '2026-W48', now: NOW, missingClusters: ['prod-east'] });
    expect(doc.noData).toBe(true);

    // Act
    const [report] = buildPolicyReports(doc);

    // Assess
    expect(report!.results.map((r) => [r.result, r.properties['resultID']])).toEqual([
      ['error', findingId('SNAPSHOT-MISSING', ['prod-east'], 'Cluster/prod-east')],
    ]);
  });
});

describe('openreports.yaml', () => {
  it('holds the same reports and results as openreports.io/v1alpha1 ClusterReports', () => {
    // Prepare
    const doc = reportWith(
      [...manyFindings('big', 700), finding('QUOTA-MISSING', 'prod-east', 'Namespace/batch', { waiver })],
      ['big', 'prod-east'],
    );

    // Act
    const open = yamlObjects<OpenClusterReport>(renderOpenReportsYaml(doc));
    const policy = yamlObjects<ClusterPolicyReport>(renderPolicyReportYaml(doc));

    // Assess
    expect(open.map((r) => [r.apiVersion, r.kind, r.source, r.configuration])).toEqual(
      open.map(() => ['openreports.io/v1alpha1', 'ClusterReport', 'fleetledger', { limits: { maxResults: 500 } }]),
    );
    expect(open.map((r) => r.metadata)).toEqual(policy.map((r) => r.metadata));
    expect(open.map((r) => r.summary)).toEqual(policy.map((r) => r.summary));
    expect(open.map((r) => r.results)).toEqual(policy.map((r) => r.results));
    expect(open.map((r) => r.metadata.name)).toEqual([
      'fleetledger-big-1',
      'fleetledger-big-2',
      'fleetledger-prod-east',
    ]);
    const waived = open[2]!.results[0]!;
    expect(waived).toMatchObject({
      policy: 'QUOTA-MISSING',
      result: 'skip',
      properties: {
        resultID: findingId('QUOTA-MISSING', ['prod-east'], 'Namespace/batch'),
        waiverExpires: '2026-12-31',
      },
    });
    expect(Object.keys(open[0]!).sort()).toEqual([
      'apiVersion',
      'configuration',
      'kind',
      'metadata',
      'results',
      'source',
      'summary',
    ]);
  });
});
