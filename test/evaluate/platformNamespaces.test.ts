import { RULES } from '../../src/evaluate/catalog.js';
import { namespaceSkipper } from '../../src/evaluate/namespaceSkips.js';
import { BUILT_IN_PLATFORM_NAMESPACES, platformNamespacesOf } from '../../src/evaluate/platformNamespaces.js';
import { limitRangeMissing } from '../../src/evaluate/rules/limitRangeMissing.js';
import { mtlsNotStrict } from '../../src/evaluate/rules/mtlsNotStrict.js';
import { netpolNoDefaultDeny } from '../../src/evaluate/rules/netpolNoDefaultDeny.js';
import { quotaMissing } from '../../src/evaluate/rules/quotaMissing.js';
import { quotaNearLimit } from '../../src/evaluate/rules/quotaNearLimit.js';
import { DEFAULT_THRESHOLDS, RuleThresholds } from '../../src/evaluate/thresholds.js';
import { parseFleetFile } from '../../src/fleet/fleetFile.js';
import { reportFleetOf } from '../../src/report/reportFleet.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { namespaces, run, snapshotOf, tallyOf } from './fixtures.js';

const HYGIENE = [quotaMissing, limitRangeMissing, netpolNoDefaultDeny, mtlsNotStrict];

/** A cluster with Istio, Calico, cert-manager and Argo CD installed, two tenants and nothing enforced anywhere. */
function clusterWith(...names: string[]): Snapshot {
  return snapshotOf('cluster-a', (s) => {
    namespaces(s, ...names);
    s.policies.istio.installed = true;
    s.policies.istio.mtls = names.map((namespace) => ({ namespace, mode: 'PERMISSIVE', source: 'default' }));
  });
}

const PLATFORM = ['istio-system', 'calico-system', 'tigera-operator', 'cert-manager', 'argocd', 'default'];

const flagged = (snapshot: Snapshot, thresholds = DEFAULT_THRESHOLDS) =>
  [...new Set(run(HYGIENE, [snapshot], { thresholds }).findings.map((f) => f.resource))].sort();

describe('the tenant-hygiene rules and the platform namespaces', () => {
  it('skip the built-in platform namespaces by default and check every tenant namespace', () => {
    // Prepare
    const cluster = clusterWith(...PLATFORM, 'payments', 'web');

    // Act
    const evaluation = run(HYGIENE, [cluster]);

    // Assess
    expect([...new Set(evaluation.findings.map((f) => f.resource))].sort()).toEqual([
      'Namespace/payments',
      'Namespace/web',
    ]);
    for (const rule of HYGIENE) {
      expect(tallyOf(evaluation, rule.id)).toEqual({ applicable: 2, evaluated: 2, passed: 0 });
    }
  });

  it('are the rules marked as tenant hygiene in the catalog, and only those', () => {
    expect(RULES.filter((rule) => rule.tenantHygiene === true).map((rule) => rule.id)).toEqual([
      'QUOTA-MISSING',
      'LIMITRANGE-MISSING',
      'NETPOL-NO-DEFAULT-DENY',
      'MTLS-NOT-STRICT',
    ]);
  });

  it('leave rules about existing objects alone: a quota near its limit in a platform namespace is still a finding', () => {
    const cluster = snapshotOf('cluster-a', (s) => {
      namespaces(s, 'istio-system');
      s.quotas.resourceQuotas.push({
        namespace: 'istio-system',
        name: 'pods',
        resources: [{ resource: 'pods', hard: '10', used: '10', hardValue: 10, usedValue: 10 }],
      });
    });
    expect(run(quotaNearLimit, [cluster]).findings.map((f) => f.resource)).toEqual(['ResourceQuota/istio-system/pods']);
  });

  it('skip the namespaces of extraPlatformNamespaces (globs) on top of the built-in list', () => {
    const thresholds = RuleThresholds.parse({ extraPlatformNamespaces: ['observability', 'team-platform-*'] });
    const cluster = clusterWith('istio-system', 'observability', 'team-platform-dns', 'payments');
    expect(flagged(cluster, thresholds)).toEqual(['Namespace/payments']);
  });

  it('skip only the namespaces of platformNamespaces when it replaces the built-in list', () => {
    const thresholds = RuleThresholds.parse({ platformNamespaces: ['observability'] });
    const cluster = clusterWith('istio-system', 'observability', 'payments');
    expect(flagged(cluster, thresholds)).toEqual(['Namespace/istio-system', 'Namespace/payments']);
  });

  it('check every namespace but the excluded ones when platformNamespaces is empty', () => {
    const thresholds = RuleThresholds.parse({ platformNamespaces: [] });
    const cluster = clusterWith('kube-system', 'default', 'istio-system', 'payments');
    expect(flagged(cluster, thresholds)).toEqual(['Namespace/default', 'Namespace/istio-system', 'Namespace/payments']);
  });

  it('check a listed namespace that checkPlatformNamespaces names, e.g. default where tenants run workloads', () => {
    const thresholds = RuleThresholds.parse({ checkPlatformNamespaces: ['default'] });
    const cluster = clusterWith('default', 'istio-system', 'payments');
    expect(flagged(cluster, thresholds)).toEqual(['Namespace/default', 'Namespace/payments']);
  });

  it('never check a namespace excludeNamespaces names, even when checkPlatformNamespaces names it too', () => {
    const thresholds = RuleThresholds.parse({
      excludeNamespaces: ['kube-system', 'default'],
      checkPlatformNamespaces: ['default'],
    });
    expect(flagged(clusterWith('default', 'payments'), thresholds)).toEqual(['Namespace/payments']);
  });

  it('let a waiver waive nothing in a skipped namespace: it is not checked, so nothing is found', () => {
    const waiver = {
      rule: 'QUOTA-MISSING',
      cluster: '*',
      resource: 'Namespace/istio-system',
      reason: 'mesh control plane',
      owner: 'team-mesh',
      expires: '2099-12-31',
    };
    const evaluation = run(quotaMissing, [clusterWith('istio-system', 'payments')], { waivers: [waiver] });
    expect(evaluation.findings.map((f) => [f.resource, f.status])).toEqual([['Namespace/payments', 'open']]);
    expect(tallyOf(evaluation, 'QUOTA-MISSING')).toEqual({ applicable: 1, evaluated: 1, passed: 0 });
  });
});

describe('the rules: keys for platform namespaces', () => {
  it('are strict lists of non-empty globs', () => {
    const result = RuleThresholds.safeParse({ extraPlatformNamespaces: 'observability', platformNamespaces: [''] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'extraPlatformNamespaces',
      'platformNamespaces.0',
    ]);
  });

  it('refuse a checkPlatformNamespaces name the platform list does not hold (a typo would check nothing)', () => {
    const result = RuleThresholds.safeParse({ checkPlatformNamespaces: ['default', 'istio-sytem'] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      [
        'checkPlatformNamespaces.1',
        '"istio-sytem" is not a platform namespace (neither in the built-in list nor in platformNamespaces or extraPlatformNamespaces)',
      ],
    ]);
  });
});

describe('the fleet file and the two excludeNamespaces', () => {
  const fleetFile = (extra: string) =>
    parseFleetFile(
      `clusters: [{ name: a, kubeconfig: { path: ./kubeconfig } }]
defaults: { excludeNamespaces: [kube-system, monitoring] }
${extra}`,
      'fleet.yaml',
      { checkAccess: false },
    );

  it('evaluate with the collection excludes when rules: does not name its own', () => {
    // monitoring's NetworkPolicy posture is not collected: checking it would report a NetworkPolicy gap that is not there.
    expect(fleetFile('rules: { quotaNearLimit: 0.8 }').rules?.excludeNamespaces).toEqual(['kube-system', 'monitoring']);
    expect(reportFleetOf(fleetFile('')).rules?.excludeNamespaces).toEqual(['kube-system', 'monitoring']);
  });

  it('evaluate with rules.excludeNamespaces when the fleet file names it', () => {
    expect(fleetFile('rules: { excludeNamespaces: [kube-*] }').rules?.excludeNamespaces).toEqual(['kube-*']);
  });

  it('name the file and key of a bad platform namespace setting', () => {
    expect(() => fleetFile('rules: { extraPlatformNamespaces: observability }')).toThrow(
      'fleet.yaml: rules.extraPlatformNamespaces: ',
    );
  });
});

describe('the built-in platform namespace list', () => {
  it('is documented in README.md (run npm run docs after changing it)', async () => {
    const { readFileSync } = await import('node:fs');
    const { withPlatformNamespaces } = await import('../../src/evaluate/readmeCatalog.js');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('| Argo CD | `argocd` |');
    expect(withPlatformNamespaces(readme)).toBe(readme);
  });

  it('is the effective list unless the fleet file changes it, each entry with its add-on', () => {
    const list = platformNamespacesOf(DEFAULT_THRESHOLDS);
    expect(list.map((entry) => entry.pattern)).toEqual(BUILT_IN_PLATFORM_NAMESPACES.map((entry) => entry.namespace));
    expect(list.find((entry) => entry.pattern === 'kube-federation-system')).toEqual({
      pattern: 'kube-federation-system',
      addOn: 'KubeFed',
      source: 'built-in',
    });
    expect(
      platformNamespacesOf(
        RuleThresholds.parse({ platformNamespaces: ['istio-system', 'ops'], extraPlatformNamespaces: ['ops', 'dns'] }),
      ),
    ).toEqual([
      { pattern: 'istio-system', addOn: 'Istio', source: 'rules.platformNamespaces' },
      { pattern: 'ops', addOn: null, source: 'rules.platformNamespaces' },
      { pattern: 'dns', addOn: null, source: 'rules.extraPlatformNamespaces' },
    ]);
  });

  it('names the add-on of the first matching entry, exact names before reserved prefixes', () => {
    const skipOf = namespaceSkipper({ excludeNamespaces: [] });
    expect(skipOf('kube-flannel')?.addOn).toBe('Flannel');
    expect(skipOf('kube-system')?.addOn).toBe('Kubernetes');
    expect(skipOf('kube-anything')?.addOn).toBe('Kubernetes (reserved prefix)');
    expect(skipOf('openshift-monitoring')?.addOn).toBe('OpenShift');
    expect(skipOf('monitoring')).toBeNull();
  });
});
