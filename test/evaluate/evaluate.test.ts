import { createHash } from 'node:crypto';
import { evaluateFleet } from '../../src/evaluate/evaluate.js';
import { findingId } from '../../src/evaluate/findingId.js';
import { quotaMissing } from '../../src/evaluate/rules/quotaMissing.js';
import { sectionNotCollected } from '../../src/evaluate/rules/sectionNotCollected.js';
import { RuleThresholds } from '../../src/evaluate/thresholds.js';
import { Finding, type Waiver } from '../../src/evaluate/types.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { constraint, NOW, namespaces, run, setSection, snapshotOf, unreachableSnapshot } from './fixtures.js';

/** A reachable cluster: two namespaces, one with quota and default-deny, Gatekeeper with one constraint. */
const clusterA = (): Snapshot =>
  snapshotOf('cluster-a', (s) => {
    namespaces(s, 'kube-system', 'ledger', 'payments');
    s.quotas.resourceQuotas.push({
      namespace: 'payments',
      name: 'compute',
      resources: [{ resource: 'pods', hard: '10', used: '1', hardValue: 10, usedValue: 1 }],
    });
    s.policies.networkPolicies.push({
      namespace: 'payments',
      policyCount: 1,
      defaultDenyIngress: true,
      defaultDenyEgress: false,
      allowAllIngress: false,
      allowAllEgress: false,
    });
    s.policies.gatekeeper.constraints.push(constraint('K8sDisallowHostPath', 'deny-host-path'));
    // As collected today: a short fail-open webhook, the audit listing from the API server.
    s.policies.gatekeeper.admission = {
      namespace: 'gatekeeper-system',
      webhooks: [{ configuration: 'gk', name: 'validation.gatekeeper.sh', timeoutSeconds: 3, failurePolicy: 'Ignore' }],
      auditFromCache: false,
      syncOnly: null,
    };
    setSection(s, 'kyverno', 'absent');
    setSection(s, 'istio', 'absent');
    setSection(s, 'kubefed', 'absent');
    setSection(s, 'ipPools', 'absent');
    s.meta.status = 'ok';
  });

// One mesh: the clusters are connected, so CIDR-OVERLAP compares them.
const fleetClusters = ['cluster-a', 'cluster-b', 'cluster-c'].map((name) => ({ name, labels: { mesh: 'corp' } }));
const waiver = (overrides: Partial<Waiver>): Waiver => ({
  rule: 'LIMITRANGE-MISSING',
  cluster: 'cluster-*',
  reason: 'defaults set by the admission webhook',
  owner: 'team-platform',
  expires: '2026-11-25',
  ...overrides,
});

describe('evaluateFleet on a small fleet (full catalog)', () => {
  // cluster-a reachable, cluster-b unreachable, cluster-c configured but without a snapshot.
  const evaluation = evaluateFleet([clusterA(), unreachableSnapshot('cluster-b')], {
    now: NOW,
    fleetClusters,
    waivers: [
      // Valid through today (inclusive): waives the payments finding.
      waiver({ resource: 'Namespace/pay*' }),
      // Expired yesterday: waives nothing and raises WAIVER-EXPIRED.
      waiver({ rule: 'QUOTA-MISSING', cluster: 'cluster-a', resource: 'Namespace/ledger', expires: '2026-11-24' }),
    ],
  });

  it('lists the findings sorted by severity, rule, cluster and resource, with their status', () => {
    expect(evaluation.findings.map((f) => [f.severity, f.rule, f.cluster ?? f.clusters, f.resource, f.status])).toEqual(
      [
        ['high', 'CLUSTER-UNREACHABLE', 'cluster-b', 'Cluster/cluster-b', 'open'],
        ['high', 'SNAPSHOT-MISSING', 'cluster-c', 'Cluster/cluster-c', 'open'],
        ['medium', 'NETPOL-NO-DEFAULT-DENY', 'cluster-a', 'Namespace/ledger', 'open'],
        ['medium', 'QUOTA-MISSING', 'cluster-a', 'Namespace/ledger', 'open'],
        ['medium', 'WAIVER-EXPIRED', ['cluster-a'], 'Waiver/QUOTA-MISSING/Namespace/ledger', 'open'],
        ['low', 'LIMITRANGE-MISSING', 'cluster-a', 'Namespace/ledger', 'open'],
        ['low', 'LIMITRANGE-MISSING', 'cluster-a', 'Namespace/payments', 'waived'],
      ],
    );
    for (const finding of evaluation.findings) expect(Finding.parse(finding)).toEqual(finding);
  });

  it('keeps the finding of an expired waiver open and says so', () => {
    const expired = evaluation.findings.find((f) => f.rule === 'WAIVER-EXPIRED');
    expect(expired?.message).toBe(
      'the waiver of QUOTA-MISSING for cluster-a Namespace/ledger owned by team-platform expired on 2026-11-24: the findings it covered are open again',
    );
    const waived = evaluation.findings.find((f) => f.status === 'waived');
    expect(waived?.waiver?.owner).toBe('team-platform');
  });

  it('scores the reachable cluster on what it showed', () => {
    // 1 CLUSTER-UNREACHABLE + 19 SECTION-NOT-COLLECTED + 2 QUOTA-MISSING + 2 LIMITRANGE-MISSING
    // + 1 QUOTA-NEAR-LIMIT + 1 GATEKEEPER-ABSENT + 4 Gatekeeper checks + 2 NETPOL + 1 CIDR-OVERLAP
    // + 1 SNAPSHOT-MISSING = 34, all evaluated; 3 failed and open (the waived one counts as passed).
    expect(evaluation.scores.clusters['cluster-a']).toEqual({
      compliance: 31 / 34,
      coverage: 1,
      applicable: 34,
      evaluated: 34,
      passed: 31,
      open: { critical: 0, high: 0, medium: 3, low: 1, info: 0 },
      waived: { critical: 0, high: 0, medium: 0, low: 1, info: 0 },
    });
  });

  it('scores an unreachable cluster 0% compliant: only its failed unreachable check is evaluated', () => {
    // 23 cluster rules (22 not evaluated + CLUSTER-UNREACHABLE failed), CIDR-OVERLAP and
    // SNAPSHOT-MISSING not evaluated (a snapshot of nothing is no evidence).
    expect(evaluation.scores.clusters['cluster-b']).toMatchObject({
      compliance: 0,
      coverage: 1 / 25,
      applicable: 25,
      evaluated: 1,
      passed: 0,
    });
  });

  it('scores a missing cluster as applicable but not evaluated, with SNAPSHOT-MISSING failed', () => {
    expect(evaluation.missingClusters).toEqual(['cluster-c']);
    expect(evaluation.scores.clusters['cluster-c']).toMatchObject({
      compliance: 0,
      coverage: 1 / 25,
      applicable: 25,
      evaluated: 1,
      passed: 0,
    });
  });

  it('sums every check into the fleet score, including the waiver checks', () => {
    expect(evaluation.scores.fleet).toEqual({
      compliance: 32 / 38,
      coverage: 38 / 86,
      applicable: 86,
      evaluated: 38,
      passed: 32,
      open: { critical: 0, high: 2, medium: 3, low: 1, info: 0 },
      waived: { critical: 0, high: 0, medium: 0, low: 1, info: 0 },
    });
  });
});

describe('not seen is never compliant', () => {
  it('an unreachable cluster lowers coverage and does not raise compliance', () => {
    const alone = evaluateFleet([clusterA()], { now: NOW });
    const withUnreachable = evaluateFleet([clusterA(), unreachableSnapshot('cluster-b')], { now: NOW });
    // cluster-a alone: 32 checks, all evaluated, 28 passed. The unreachable cluster-b adds 23: one per
    // cluster rule, only CLUSTER-UNREACHABLE evaluated, and failed (unlabelled and showing no link,
    // the two are not compared: no CIDR-OVERLAP check).
    expect(alone.scores.fleet).toMatchObject({
      applicable: 32,
      evaluated: 32,
      passed: 28,
      coverage: 1,
      compliance: 28 / 32,
    });
    expect(withUnreachable.scores.fleet).toMatchObject({
      applicable: 55,
      evaluated: 33,
      passed: 28,
      coverage: 33 / 55,
      compliance: 28 / 33,
    });
    expect(withUnreachable.scores.clusters['cluster-b']?.evaluated).toBe(1);
    expect(withUnreachable.findings.find((f) => f.rule === 'CLUSTER-UNREACHABLE')?.message).toBe(
      'cluster-b could not be read: connect ECONNREFUSED 10.0.0.9:6443',
    );
  });

  it('a forbidden section raises SECTION-NOT-COLLECTED and leaves its checks not evaluated', () => {
    const forbidden = snapshotOf('cluster-a', (s) => {
      namespaces(s, 'ledger');
      setSection(s, 'resourceQuotas', 'forbidden', 'resourcequotas is forbidden: User "audit" cannot list');
    });
    const evaluation = run([sectionNotCollected, quotaMissing], [forbidden]);
    expect(evaluation.findings.map((f) => [f.rule, f.resource, f.message])).toEqual([
      ['SECTION-NOT-COLLECTED', 'Section/resourceQuotas', 'cannot list ResourceQuotas (forbidden for the reader role)'],
    ]);
    // The API server's answer stays in the evidence.
    expect(evaluation.findings[0]?.evidence).toEqual({
      section: 'resourceQuotas',
      state: 'forbidden',
      message: 'resourcequotas is forbidden: User "audit" cannot list',
    });
    expect(evaluation.tallies).toEqual([
      { rule: 'SECTION-NOT-COLLECTED', cluster: 'cluster-a', applicable: 19, evaluated: 19, passed: 18 },
      { rule: 'QUOTA-MISSING', cluster: 'cluster-a', applicable: 1, evaluated: 0, passed: 0 },
    ]);
  });

  it('a cluster with nothing evaluated has compliance null', () => {
    const evaluation = evaluateFleet([], {
      now: NOW,
      fleetClusters: [{ name: 'cluster-c', labels: {} }],
      rules: [quotaMissing],
    });
    expect(evaluation.scores.clusters['cluster-c']).toMatchObject({
      compliance: null,
      coverage: 0,
      applicable: 1,
      evaluated: 0,
    });
  });
});

describe('finding ids', () => {
  it('are the first 16 hex digits of SHA-256 of rule|sorted clusters|resource', () => {
    const expected = createHash('sha256')
      .update('CIDR-OVERLAP|cluster-a,cluster-b|IPPool/inter-cluster-pool')
      .digest('hex');
    expect(findingId('CIDR-OVERLAP', ['cluster-b', 'cluster-a'], 'IPPool/inter-cluster-pool')).toBe(
      expected.slice(0, 16),
    );
  });

  it('stay the same week after week when the message and evidence change', () => {
    const week1 = run(quotaMissing, [snapshotOf('cluster-a', (s) => namespaces(s, 'ledger'))]);
    const week2 = run(
      quotaMissing,
      [
        snapshotOf('cluster-a', (s) => {
          namespaces(s, 'ledger', 'new-team');
          s.meta.collectionStart = '2026-12-02T06:00:00.000Z';
        }),
      ],
      { now: NOW.plus({ weeks: 1 }) },
    );
    const ledger = (e: typeof week1) => e.findings.find((f) => f.resource === 'Namespace/ledger')?.id;
    expect(ledger(week1)).toBe(findingId('QUOTA-MISSING', ['cluster-a'], 'Namespace/ledger'));
    expect(ledger(week2)).toBe(ledger(week1));
  });
});

describe('waivers', () => {
  const fleet = [
    snapshotOf('prod-east', (s) => namespaces(s, 'ledger', 'payments')),
    snapshotOf('staging', (s) => namespaces(s, 'ledger')),
  ];

  it('match clusters and resources by glob; other findings stay open', () => {
    const evaluation = run(quotaMissing, fleet, {
      waivers: [
        waiver({ rule: 'QUOTA-MISSING', cluster: 'prod-*', resource: 'Namespace/led*', expires: '2026-12-31' }),
      ],
    });
    expect(evaluation.findings.map((f) => [f.cluster, f.resource, f.status])).toEqual([
      ['prod-east', 'Namespace/ledger', 'waived'],
      ['prod-east', 'Namespace/payments', 'open'],
      ['staging', 'Namespace/ledger', 'open'],
    ]);
    expect(evaluation.scores.fleet).toMatchObject({ evaluated: 3, passed: 1 });
  });

  it('without a resource glob waive every resource of the rule on matching clusters', () => {
    const evaluation = run(quotaMissing, fleet, { waivers: [waiver({ rule: 'QUOTA-MISSING', cluster: '*' })] });
    expect(evaluation.findings.every((f) => f.status === 'waived')).toBe(true);
  });

  it('never waive another rule', () => {
    const evaluation = run(quotaMissing, fleet, { waivers: [waiver({ cluster: '*' })] });
    expect(evaluation.findings.every((f) => f.status === 'open')).toBe(true);
  });
});

describe('thresholds', () => {
  const cluster = [snapshotOf('cluster-a', (s) => namespaces(s, 'ledger'))];

  it('override the severity of a rule', () => {
    const thresholds = RuleThresholds.parse({ severity: { 'QUOTA-MISSING': 'critical' } });
    expect(run(quotaMissing, cluster, { thresholds }).findings.map((f) => f.severity)).toEqual(['critical']);
  });

  it('disable rules entirely', () => {
    const thresholds = RuleThresholds.parse({ disabled: ['QUOTA-MISSING'] });
    const evaluation = run(quotaMissing, cluster, { thresholds });
    expect(evaluation.findings).toEqual([]);
    expect(evaluation.scores.fleet.applicable).toBe(0);
  });

  it('reject unknown keys and unknown rule ids', () => {
    const result = RuleThresholds.safeParse({ quotaNearLimt: 0.8, disabled: ['NO-SUCH-RULE'] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['', 'Unrecognized key: "quotaNearLimt"'],
      ['disabled.0', 'unknown rule id "NO-SUCH-RULE"'],
    ]);
  });
});
