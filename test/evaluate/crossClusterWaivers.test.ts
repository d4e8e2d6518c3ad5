/**
 * A finding that names several clusters (CIDR-OVERLAP between prod-east and staging) is waived
 * only by a waiver whose cluster glob matches every one of them: a waiver written for the prod
 * clusters accepts no risk on staging's behalf.
 */
import { cidrOverlap } from '../../src/evaluate/rules/cidrOverlap.js';
import type { Waiver } from '../../src/evaluate/types.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { run, snapshotOf, tallyOf } from './fixtures.js';

/** A cluster of mesh "corp" whose Pod range is 10.244.0.0/16. */
const meshCluster = (cluster: string): Snapshot =>
  snapshotOf(cluster, (s) => {
    s.meta.labels = { mesh: 'corp' };
    s.network.podRanges.push({ cidr: '10.244.0.0/16', source: 'kubeadm-config' });
  });

const overlapWaiver = (cluster: string): Waiver => ({
  rule: 'CIDR-OVERLAP',
  cluster,
  reason: 'renumbering planned',
  owner: 'team-network',
  expires: '2026-12-31',
});

describe('a waiver of a finding that names several clusters', () => {
  const fleet = [meshCluster('prod-east'), meshCluster('staging')];

  it('does not waive it when its cluster glob matches only some of them', () => {
    // Act
    const evaluation = run(cidrOverlap, fleet, { waivers: [overlapWaiver('prod-*')] });

    // Assess
    expect(evaluation.findings.map((f) => [f.clusters, f.status, f.waiver])).toEqual([
      [['prod-east', 'staging'], 'open', undefined],
    ]);
    expect(tallyOf(evaluation, 'CIDR-OVERLAP')).toEqual({ applicable: 2, evaluated: 2, passed: 0 });
  });

  it('waives it when its cluster glob matches every one of them', () => {
    const waiver = overlapWaiver('{prod-east,staging}');

    const evaluation = run(cidrOverlap, fleet, { waivers: [waiver] });

    expect(evaluation.findings.map((f) => [f.clusters, f.status, f.waiver])).toEqual([
      [['prod-east', 'staging'], 'waived', waiver],
    ]);
    expect(tallyOf(evaluation, 'CIDR-OVERLAP')).toEqual({ applicable: 2, evaluated: 2, passed: 2 });
  });
});
