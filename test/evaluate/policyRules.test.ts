import { constraintNotEnforced } from '../../src/evaluate/rules/constraintNotEnforced.js';
import { constraintViolations } from '../../src/evaluate/rules/constraintViolations.js';
import { gatekeeperAbsent } from '../../src/evaluate/rules/gatekeeperAbsent.js';
import { gatekeeperAuditStale } from '../../src/evaluate/rules/gatekeeperAuditStale.js';
import { mtlsNotStrict } from '../../src/evaluate/rules/mtlsNotStrict.js';
import { netpolNoDefaultDeny } from '../../src/evaluate/rules/netpolNoDefaultDeny.js';
import { templateError } from '../../src/evaluate/rules/templateError.js';
import { constraint, namespaces, run, setSection, snapshotOf, tallyOf } from './fixtures.js';

describe('GATEKEEPER-ABSENT', () => {
  const noEngine = snapshotOf('cluster-a', (s) => {
    s.policies.gatekeeper.installed = false;
    setSection(s, 'gatekeeper', 'absent');
    setSection(s, 'kyverno', 'absent');
  });

  it('fails a cluster with neither Gatekeeper nor Kyverno (absent APIs are what it looks for)', () => {
    const evaluation = run(gatekeeperAbsent, [noEngine]);
    expect(evaluation.findings.map((f) => [f.severity, f.resource, f.message])).toEqual([
      [
        'high',
        'Cluster/cluster-a',
        'cluster-a runs no admission policy engine (neither Gatekeeper nor Kyverno is installed)',
      ],
    ]);
  });

  it('passes with Kyverno only', () => {
    const kyverno = snapshotOf('cluster-a', (s) => {
      s.policies.gatekeeper.installed = false;
      setSection(s, 'gatekeeper', 'absent');
      s.policies.kyverno.installed = true;
    });
    const evaluation = run(gatekeeperAbsent, [kyverno]);
    expect(evaluation.findings).toEqual([]);
    expect(tallyOf(evaluation, 'GATEKEEPER-ABSENT')).toEqual({ applicable: 1, evaluated: 1, passed: 1 });
  });

  it('is not evaluated when the gatekeeper section was forbidden', () => {
    const forbidden = snapshotOf('cluster-a', (s) => {
      s.policies.gatekeeper.installed = false;
      setSection(s, 'gatekeeper', 'forbidden', 'constrainttemplates is forbidden');
      setSection(s, 'kyverno', 'absent');
    });
    const evaluation = run(gatekeeperAbsent, [forbidden]);
    expect(evaluation.findings).toEqual([]);
    expect(tallyOf(evaluation, 'GATEKEEPER-ABSENT')).toEqual({ applicable: 1, evaluated: 0, passed: 0 });
  });
});

describe('Gatekeeper constraints', () => {
  const cluster = snapshotOf('cluster-a', (s) => {
    s.policies.gatekeeper.constraints.push(
      constraint('K8sDisallowHostPath', 'deny-host-path', {
        enforcementAction: 'dryrun',
        totalViolations: 3,
        violations: [
          { kind: 'Pod', name: 'api-0', namespace: 'payments', message: 'hostPath volumes are not allowed' },
          { kind: 'Pod', name: 'api-1', namespace: 'payments', message: 'hostPath volumes are not allowed' },
        ],
      }),
      constraint('K8sRequiredLabels', 'must-have-owner', {
        enforcementAction: 'warn',
        totalViolations: null,
        auditTimestamp: null,
      }),
      constraint('K8sAllowedRepos', 'allowed-repos'),
    );
    s.policies.gatekeeper.templates.push(
      { name: 'k8sdisallowhostpath', kind: 'K8sDisallowHostPath', errors: [] },
      { name: 'k8sbroken', kind: 'K8sBroken', errors: ['rego_parse_error: unexpected }', 'undefined function'] },
    );
  });

  it('CONSTRAINT-NOT-ENFORCED reports dryrun and warn constraints', () => {
    const evaluation = run(constraintNotEnforced, [cluster]);
    expect(evaluation.findings.map((f) => f.message)).toEqual([
      'constraint K8sDisallowHostPath/deny-host-path is in dryrun mode: violations are not denied',
      'constraint K8sRequiredLabels/must-have-owner is in warn mode: violations are not denied',
    ]);
    expect(tallyOf(evaluation, 'CONSTRAINT-NOT-ENFORCED')).toEqual({ applicable: 3, evaluated: 3, passed: 1 });
  });

  it('CONSTRAINT-VIOLATIONS reports one finding per constraint with the count and a sample', () => {
    const evaluation = run(constraintViolations, [cluster]);
    expect(evaluation.findings).toHaveLength(1);
    const [finding] = evaluation.findings;
    expect(finding?.resource).toBe('K8sDisallowHostPath/deny-host-path');
    expect(finding?.message).toBe(
      'constraint K8sDisallowHostPath/deny-host-path has 3 violations, e.g. Pod payments/api-0: hostPath volumes are not allowed',
    );
    expect(finding?.evidence['totalViolations']).toBe(3);
    expect(finding?.evidence['sample']).toHaveLength(2);
    // The constraint whose audit has not run is not evaluated.
    expect(tallyOf(evaluation, 'CONSTRAINT-VIOLATIONS')).toEqual({ applicable: 3, evaluated: 2, passed: 1 });
  });

  it('TEMPLATE-ERROR reports templates with errors', () => {
    const evaluation = run(templateError, [cluster]);
    expect(evaluation.findings.map((f) => [f.resource, f.message])).toEqual([
      [
        'ConstraintTemplate/k8sbroken',
        'ConstraintTemplate k8sbroken (K8sBroken) has errors: rego_parse_error: unexpected }; undefined function',
      ],
    ]);
  });

  it('GATEKEEPER-AUDIT-STALE passes when the newest audit is within 24 h of the collection', () => {
    const evaluation = run(gatekeeperAuditStale, [cluster]);
    expect(evaluation.findings).toEqual([]);
    expect(tallyOf(evaluation, 'GATEKEEPER-AUDIT-STALE')).toEqual({ applicable: 1, evaluated: 1, passed: 1 });
  });

  it('GATEKEEPER-AUDIT-STALE fails when the newest audit is older than 24 h, or missing', () => {
    const stale = snapshotOf('cluster-a', (s) => {
      s.policies.gatekeeper.constraints.push(
        constraint('K8sAllowedRepos', 'allowed-repos', { auditTimestamp: '2026-11-24T05:00:00.000Z' }),
      );
    });
    const never = snapshotOf('cluster-b', (s) => {
      s.policies.gatekeeper.constraints.push(constraint('K8sAllowedRepos', 'allowed-repos', { auditTimestamp: null }));
    });
    expect(run(gatekeeperAuditStale, [stale, never]).findings.map((f) => f.message)).toEqual([
      'the last Gatekeeper audit on cluster-a ran 25 h before collection (2026-11-24T05:00:00.000Z), more than 24 h',
      'no Gatekeeper constraint on cluster-b has an audit timestamp: the audit has not run',
    ]);
  });

  it('constraint rules do not apply where Gatekeeper is absent', () => {
    const absent = snapshotOf('cluster-a', (s) => {
      s.policies.gatekeeper.installed = false;
      setSection(s, 'gatekeeper', 'absent');
    });
    const evaluation = run(
      [constraintNotEnforced, constraintViolations, gatekeeperAuditStale, templateError],
      [absent],
    );
    expect(evaluation.scores.fleet.applicable).toBe(0);
  });
});

describe('NETPOL-NO-DEFAULT-DENY', () => {
  it('reports namespaces without a default-deny ingress policy', () => {
    const cluster = snapshotOf('cluster-a', (s) => {
      namespaces(s, 'kube-system', 'ledger', 'payments', 'web');
      const posture = { policyCount: 1, defaultDenyEgress: false, allowAllIngress: false, allowAllEgress: false };
      s.policies.networkPolicies.push(
        { namespace: 'payments', ...posture, defaultDenyIngress: true },
        { namespace: 'web', ...posture, policyCount: 2, defaultDenyIngress: false, allowAllIngress: true },
      );
    });
    const evaluation = run(netpolNoDefaultDeny, [cluster]);
    expect(evaluation.findings.map((f) => [f.resource, f.message])).toEqual([
      ['Namespace/ledger', 'namespace ledger has no NetworkPolicy: all ingress is allowed'],
      ['Namespace/web', 'namespace web has 2 NetworkPolicies but no default-deny for ingress'],
    ]);
    expect(tallyOf(evaluation, 'NETPOL-NO-DEFAULT-DENY')).toEqual({ applicable: 3, evaluated: 3, passed: 1 });
  });
});

describe('MTLS-NOT-STRICT', () => {
  it('reports namespaces whose effective mode is not STRICT, only where Istio is installed', () => {
    const withIstio = snapshotOf('cluster-a', (s) => {
      s.policies.istio.installed = true;
      s.policies.istio.mtls.push(
        { namespace: 'payments', mode: 'STRICT', source: 'namespace' },
        { namespace: 'ledger', mode: 'PERMISSIVE', source: 'default' },
        { namespace: 'kube-system', mode: 'PERMISSIVE', source: 'default' },
      );
    });
    const withoutIstio = snapshotOf('cluster-b', (s) => setSection(s, 'istio', 'absent'));
    const evaluation = run(mtlsNotStrict, [withIstio, withoutIstio]);
    expect(evaluation.findings.map((f) => [f.cluster, f.resource, f.message])).toEqual([
      [
        'cluster-a',
        'Namespace/ledger',
        'namespace ledger accepts plain-text traffic: effective mTLS mode PERMISSIVE (from the default policy)',
      ],
    ]);
    expect(evaluation.scores.clusters['cluster-b']?.applicable).toBe(0);
  });
});
