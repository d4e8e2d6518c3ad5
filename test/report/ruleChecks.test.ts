/**
 * report.json `checks`: each rule's checks per cluster (and fleet-wide), as the evaluation counted
 * them, so a reader can tell a rule that passed from one that could not be evaluated or did not
 * apply; a no-data report has none (nothing was evaluated).
 */
import type { CheckTally } from '../../src/evaluate/scores.js';
import { ReportDocument } from '../../src/report/schema.js';
import { evaluation, noDataReportOf, reportOf, score, snapshotAt } from './fixtures.js';

const NOW = '2026-11-25T09:00:00.000Z';

describe('report.json checks', () => {
  it('records the check counts of every rule per cluster, and fleet-wide ones with cluster null', () => {
    // Prepare
    const tallies: CheckTally[] = [
      { rule: 'QUOTA-MISSING', cluster: 'prod-east', applicable: 5, evaluated: 3, passed: 2 },
      { rule: 'MESH-ROOT-CA-MISMATCH', cluster: null, applicable: 1, evaluated: 1, passed: 1 },
    ];

    // Act
    const { doc } = reportOf({
      period: '2026-W48',
      now: NOW,
      snapshots: [snapshotAt('prod-east', NOW)],
      evaluation: evaluation([], { 'prod-east': score(0.5, 0.6) }, score(0.5, 0.6), [], tallies),
    });

    // Assess
    expect(doc.checks).toEqual(tallies);
    expect(ReportDocument.parse(JSON.parse(JSON.stringify(doc))).checks).toEqual(tallies);
  });

  it('records none in a no-data report', () => {
    // Act
    const doc = noDataReportOf({
      period: '2026-W48',
      now: NOW,
      missingClusters: ['prod-east'],
      checks: [{ rule: 'SNAPSHOT-MISSING', cluster: 'prod-east', applicable: 1, evaluated: 1, passed: 0 }],
    });

    // Assess
    expect(doc.noData).toBe(true);
    expect(doc.checks).toEqual([]);
  });

  it('still reads a report.json written before checks were recorded', () => {
    const { doc } = reportOf({
      period: '2026-W48',
      now: NOW,
      snapshots: [snapshotAt('prod-east', NOW)],
      evaluation: evaluation([], { 'prod-east': score(1, 1) }),
    });
    const { checks: _checks, ...older } = doc;
    expect(ReportDocument.safeParse(older).success).toBe(true);
  });
});
