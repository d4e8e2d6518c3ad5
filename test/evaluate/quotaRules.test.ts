import { limitRangeMissing } from '../../src/evaluate/rules/limitRangeMissing.js';
import { quotaMissing } from '../../src/evaluate/rules/quotaMissing.js';
import { quotaNearLimit } from '../../src/evaluate/rules/quotaNearLimit.js';
import { DEFAULT_THRESHOLDS, RuleThresholds } from '../../src/evaluate/thresholds.js';
import { namespaces, run, setSection, snapshotOf, tallyOf } from './fixtures.js';

describe('QUOTA-MISSING', () => {
  const cluster = snapshotOf('cluster-a', (s) => {
    namespaces(s, 'kube-system', 'ledger', 'payments');
    s.quotas.resourceQuotas.push({ namespace: 'payments', name: 'compute', resources: [] });
  });

  it('reports each namespace without a ResourceQuota, skipping excluded namespaces', () => {
    const evaluation = run(quotaMissing, [cluster]);
    expect(evaluation.findings.map((f) => [f.cluster, f.resource, f.message])).toEqual([
      ['cluster-a', 'Namespace/ledger', 'namespace ledger has no ResourceQuota'],
    ]);
    expect(tallyOf(evaluation, 'QUOTA-MISSING')).toEqual({ applicable: 2, evaluated: 2, passed: 1 });
  });

  it('honours excludeNamespaces globs from the thresholds', () => {
    const thresholds = RuleThresholds.parse({ excludeNamespaces: ['kube-*', 'led*'] });
    const evaluation = run(quotaMissing, [cluster], { thresholds });
    expect(evaluation.findings).toEqual([]);
    expect(tallyOf(evaluation, 'QUOTA-MISSING')).toEqual({ applicable: 1, evaluated: 1, passed: 1 });
  });

  it('makes one not-evaluated check when resourceQuotas was forbidden', () => {
    const forbidden = snapshotOf('cluster-a', (s) => {
      namespaces(s, 'ledger', 'payments');
      setSection(s, 'resourceQuotas', 'forbidden', 'resourcequotas is forbidden');
    });
    const evaluation = run(quotaMissing, [forbidden]);
    expect(evaluation.findings).toEqual([]);
    expect(tallyOf(evaluation, 'QUOTA-MISSING')).toEqual({ applicable: 1, evaluated: 0, passed: 0 });
    expect(evaluation.scores.clusters['cluster-a']?.compliance).toBeNull();
  });
});

describe('LIMITRANGE-MISSING', () => {
  it('requires a LimitRange of type Container with defaults', () => {
    const cluster = snapshotOf('cluster-a', (s) => {
      namespaces(s, 'ledger', 'payments', 'batch');
      const item = { type: 'Container', default: {}, defaultRequest: {}, min: {}, max: { cpu: '2' } };
      s.quotas.limitRanges.push(
        { namespace: 'payments', name: 'defaults', limits: [{ ...item, default: { cpu: '500m' } }] },
        { namespace: 'batch', name: 'max-only', limits: [item] },
      );
    });
    const evaluation = run(limitRangeMissing, [cluster]);
    expect(evaluation.findings.map((f) => [f.resource, f.message])).toEqual([
      ['Namespace/batch', 'namespace batch has LimitRanges (max-only) but none sets container defaults'],
      ['Namespace/ledger', 'namespace ledger has no LimitRange'],
    ]);
    expect(evaluation.findings[0]?.severity).toBe('low');
  });
});

describe('QUOTA-NEAR-LIMIT', () => {
  const quota = (used: number | null, hard: number, resource = 'requests.cpu') => ({
    resource,
    hard: String(hard),
    used: used === null ? null : String(used),
    hardValue: hard,
    usedValue: used,
  });

  it('reports a quota at or above the threshold, naming each resource near its limit', () => {
    const cluster = snapshotOf('cluster-a', (s) => {
      s.quotas.resourceQuotas.push(
        {
          namespace: 'ledger',
          name: 'compute',
          resources: [quota(9, 10), quota(10, 50, 'pods'), quota(4, 4, 'count/secrets')],
        },
        { namespace: 'payments', name: 'compute', resources: [quota(8.9, 10)] },
        { namespace: 'fresh', name: 'compute', resources: [quota(null, 10)] },
      );
    });
    const evaluation = run(quotaNearLimit, [cluster]);
    expect(evaluation.findings.map((f) => [f.resource, f.message])).toEqual([
      [
        'ResourceQuota/ledger/compute',
        'ResourceQuota ledger/compute is near its limit: requests.cpu at 90% (9 of 10), count/secrets at 100% (4 of 4)',
      ],
    ]);
    expect(tallyOf(evaluation, 'QUOTA-NEAR-LIMIT')).toEqual({ applicable: 3, evaluated: 2, passed: 1 });
  });

  it('uses the configured threshold', () => {
    const cluster = snapshotOf('cluster-a', (s) => {
      s.quotas.resourceQuotas.push({ namespace: 'payments', name: 'compute', resources: [quota(8, 10)] });
    });
    expect(run(quotaNearLimit, [cluster]).findings).toHaveLength(0);
    const thresholds = { ...DEFAULT_THRESHOLDS, quotaNearLimit: 0.75 };
    expect(run(quotaNearLimit, [cluster], { thresholds }).findings.map((f) => f.resource)).toEqual([
      'ResourceQuota/payments/compute',
    ]);
  });
});
