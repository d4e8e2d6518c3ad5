/**
 * Custom rules: how a rules file is read and compiled (every problem a configuration error naming
 * the file, the rule id and what is wrong), and how its rules behave in the evaluation: exactly
 * like built-in ones (stable ids, namespace exclusions, waivers, severity overrides, disabling,
 * compliance and coverage, with an expression that cannot be evaluated counted as not evaluated).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/core/errors.js';
import { CEL_LIMITS, compileCel } from '../../src/customRules/celExpression.js';
import { type CustomRuleDefinition, customRuleOf, MAX_RULE_MILLIS } from '../../src/customRules/customRule.js';
import { customRulesOfFile, loadRulesFiles } from '../../src/customRules/rulesFile.js';
import { clearCustomRules, isKnownRuleId, ruleCatalog, useCustomRules } from '../../src/evaluate/catalog.js';
import { RuleThresholds } from '../../src/evaluate/thresholds.js';
import { parseFleetFile } from '../../src/fleet/fleetFile.js';
import { application, namespaces, run, snapshotOf, tallyOf } from '../evaluate/fixtures.js';

afterEach(() => clearCustomRules());

const NS_OWNER = `rules:
  - id: ORG-NS-OWNER
    title: Namespace without an owning team
    severity: medium
    area: quotas
    each: snapshot.namespaces
    subject: "'Namespace/' + item.name"
    when: "cluster.labels.env == 'prod'"
    assert: "'team' in item.labels"
    message: "'namespace ' + item.name + ' has no team label'"
    rationale: Every namespace needs an owner.
    remediation: Label it with its team.
    controls: { soc2: [CC6.1] }
`;

const rulesOf = (text: string) => customRulesOfFile({ path: 'org.yaml', text });

/** The problems a broken file is rejected with. */
function problemsOf(text: string): readonly string[] {
  try {
    rulesOf(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const prod = (fill: Parameters<typeof snapshotOf>[1]) =>
  snapshotOf('cluster-a', (s) => {
    s.meta.labels = { env: 'prod' };
    fill?.(s);
  });

describe('reading a rules file', () => {
  it('compiles a rule with its catalog entry: title, severity, area, rationale, remediation, controls, sections read', () => {
    const [rule] = rulesOf(NS_OWNER);
    expect(rule).toMatchObject({
      id: 'ORG-NS-OWNER',
      title: 'Namespace without an owning team',
      scope: 'cluster',
      area: 'quotas',
      defaultSeverity: 'medium',
      sections: ['namespaces'],
      rationale: 'Every namespace needs an owner.',
      remediation: 'Label it with its team.',
      controls: { cis: null, nsa: null, soc2: ['CC6.1'] },
    });
  });

  it('names the file, the rule id and the problem of each broken rule, all at once', () => {
    const text = `rules:
  - id: ORG-A
    title: A
    severity: urgent
    area: quotas
    each: snapshot.namespaces
    subject: "'Namespace/' + item.name"
    assert: "true"
    message: "'x'"
    rationale: r
    remediation: r
    colour: red
  - id: ORG-B
    title: B
    severity: low
    area: quotas
    each: snapshot.namespaces
    subject: "'Namespace/' + item.name"
    assert: "item.name ==="
    message: "'x'"
    rationale: r
    remediation: r
  - id: ORG-C
    title: C
    severity: low
    area: quotas
    each: snapshot.namespaces
    subject: "'Namespace/' + itme.name"
    assert: "item.name.startWith('a')"
    message: "'x'"
    rationale: r
    remediation: r
`;
    expect(problemsOf(text)).toEqual([
      'org.yaml: rule ORG-A: severity: Invalid option: expected one of "critical"|"high"|"medium"|"low"|"info"',
      'org.yaml: rule ORG-A: unknown field "colour"',
      expect.stringMatching(/^org\.yaml: rule ORG-B: assert: CEL syntax error: /),
      'org.yaml: rule ORG-C: subject: undeclared variable "itme" (declared: snapshot, cluster, now, item)',
      'org.yaml: rule ORG-C: assert: unknown function "startWith"',
    ]);
  });

  it('rejects what is not YAML, not a rules list, or a bad id', () => {
    expect(problemsOf('rules: [\n')[0]).toMatch(/^org\.yaml: /);
    expect(problemsOf('checks: []\n')).toEqual([
      'org.yaml: rules: expected a list of rules',
      'org.yaml: unknown field "checks"',
    ]);
    expect(problemsOf(NS_OWNER.replace('ORG-NS-OWNER', 'org-ns-owner'))).toEqual([
      'org.yaml: rule org-ns-owner: id: expected capitals, digits and dashes, e.g. ORG-NS-OWNER',
    ]);
  });

  it('does not let item into `each`, and keeps cluster variables out of fleet rules', () => {
    expect(problemsOf(NS_OWNER.replace('each: snapshot.namespaces', 'each: item.namespaces'))).toEqual([
      'org.yaml: rule ORG-NS-OWNER: each: undeclared variable "item" (declared: snapshot, cluster, now)',
    ]);
    const fleet = NS_OWNER.replace('    each: snapshot.namespaces', '    scope: fleet\n    each: snapshot.namespaces');
    expect(problemsOf(fleet)[0]).toBe(
      'org.yaml: rule ORG-NS-OWNER: each: undeclared variable "snapshot" (declared: snapshots, clusters, now)',
    );
  });

  it('holds expressions to the cost limits: nesting of comprehensions, length', () => {
    const nested = NS_OWNER.replace(
      `assert: "'team' in item.labels"`,
      'assert: "snapshot.namespaces.all(a, snapshot.namespaces.all(b, snapshot.namespaces.exists(c, true)))"',
    );
    expect(problemsOf(nested)).toEqual([
      `org.yaml: rule ORG-NS-OWNER: assert: comprehensions (all, exists, exists_one, filter, map) nested 3 deep, more than the limit of ${CEL_LIMITS.maxComprehensionDepth}`,
    ]);
    const long = NS_OWNER.replace(`assert: "'team' in item.labels"`, `assert: "${'true && '.repeat(300)}true"`);
    expect(problemsOf(long)).toEqual([
      `org.yaml: rule ORG-NS-OWNER: assert: expression of 2404 characters, more than the limit of ${CEL_LIMITS.maxLength}`,
    ]);
  });

  it('rejects an id that collides with a built-in rule or with another file, naming both', () => {
    expect(() => useCustomRules('--rules', rulesOf(NS_OWNER.replace('ORG-NS-OWNER', 'QUOTA-MISSING')))).toThrow(
      '--rules: rule QUOTA-MISSING: id: already used by a built-in rule',
    );
    useCustomRules('fleet.yaml rules.files', rulesOf(NS_OWNER));
    expect(() => useCustomRules('--rules', rulesOf(NS_OWNER))).toThrow(
      '--rules: rule ORG-NS-OWNER: id: already used by a rule named by fleet.yaml rules.files',
    );
    expect(() =>
      loadRulesFiles('--rules', ['examples/rules/organisation.yaml', 'examples/rules/organisation.yaml']),
    ).toThrow(
      'examples/rules/organisation.yaml: rule ORG-NS-OWNER: id: already used by a rule of examples/rules/organisation.yaml',
    );
  });

  it('puts custom rules into the catalog that waivers, thresholds and reports read', () => {
    expect(isKnownRuleId('ORG-NS-OWNER')).toBe(false);
    expect(RuleThresholds.safeParse({ disabled: ['ORG-NS-OWNER'] }).error?.issues.map((i) => i.message)).toEqual([
      'unknown rule id "ORG-NS-OWNER"',
    ]);
    useCustomRules('--rules', rulesOf(NS_OWNER));
    expect(ruleCatalog().at(-1)?.id).toBe('ORG-NS-OWNER');
    expect(RuleThresholds.parse({ disabled: ['ORG-NS-OWNER'] }).disabled).toEqual(['ORG-NS-OWNER']);
  });
});

describe('evaluating a custom rule', () => {
  const [rule] = rulesOf(NS_OWNER);

  it('passes and fails one check per item, with stable ids, and applies `when`', () => {
    // Prepare
    const cluster = prod((s) => {
      namespaces(s, 'payments', 'web', 'kube-system');
      s.namespaces[0]!.labels = { team: 'payments' };
    });
    const staging = snapshotOf('cluster-b', (s) => {
      s.meta.labels = { env: 'staging' };
      namespaces(s, 'web');
    });

    // Act
    const first = run(rule!, [cluster, staging]);
    const again = run(rule!, [cluster, staging]);

    // Assess: kube-system is excluded; cluster-b is not prod (no check).
    expect(first.findings.map((f) => [f.cluster, f.resource, f.severity, f.message, f.evidence])).toEqual([
      [
        'cluster-a',
        'Namespace/web',
        'medium',
        'namespace web has no team label',
        { rulesFile: 'org.yaml', assert: "'team' in item.labels" },
      ],
    ]);
    expect(again.findings.map((f) => f.id)).toEqual(first.findings.map((f) => f.id));
    expect(tallyOf(first, 'ORG-NS-OWNER')).toEqual({ applicable: 2, evaluated: 2, passed: 1 });
  });

  it('takes waivers and severity overrides like a built-in rule', () => {
    const cluster = prod((s) => namespaces(s, 'web'));
    const evaluation = run(rule!, [cluster], {
      thresholds: RuleThresholds.parse({ severity: {} }),
      waivers: [
        {
          rule: 'ORG-NS-OWNER',
          cluster: 'cluster-a',
          resource: 'Namespace/web',
          reason: 'owned by the web guild',
          owner: 'platform',
          expires: '2026-12-31',
        },
      ],
    });
    expect(evaluation.findings.map((f) => [f.rule, f.status, f.waiver?.owner])).toEqual([
      ['ORG-NS-OWNER', 'waived', 'platform'],
    ]);
    useCustomRules('--rules', [rule!]);
    const raised = run(rule!, [cluster], {
      thresholds: RuleThresholds.parse({ severity: { 'ORG-NS-OWNER': 'high' } }),
    });
    expect(raised.findings.map((f) => f.severity)).toEqual(['high']);
  });

  it('counts an expression that cannot be evaluated on the data as not evaluated, never passed', () => {
    const [typed] = rulesOf(NS_OWNER.replace(`assert: "'team' in item.labels"`, 'assert: "item.labels.team > 3"'));
    const cluster = prod((s) => {
      namespaces(s, 'payments');
      s.namespaces[0]!.labels = { team: 'payments' };
    });
    const evaluation = run(typed!, [cluster]);
    expect(evaluation.findings).toEqual([]);
    expect(evaluation.unevaluated.map((c) => [c.subject, c.reason])).toEqual([
      [
        'Namespace/payments',
        "assert (item.labels.team > 3): found no matching overload for '_>_' applied to '(string, int)'",
      ],
    ]);
    expect(tallyOf(evaluation, 'ORG-NS-OWNER')).toEqual({ applicable: 1, evaluated: 0, passed: 0 });
  });

  it('is not evaluated where a section it reads was not collected, and makes no check where the API is absent', () => {
    const [apps] = rulesOf(`rules:
  - id: ORG-APP-AUTOSYNC
    title: t
    severity: high
    area: gitops
    each: snapshot.gitops.applications
    subject: "'Application/' + item.namespace + '/' + item.name"
    assert: item.automated.enabled
    message: "'off'"
    rationale: r
    remediation: r
`);
    expect(apps?.sections).toEqual(['argocdApplications']);
    const forbidden = snapshotOf('a', (s) => {
      s.gitops.applications.push(application('argocd', 'web'));
      s.meta.sections.argocdApplications = { state: 'forbidden', message: 'applications is forbidden' };
      s.meta.status = 'partial';
    });
    const absent = snapshotOf('b', (s) => {
      s.meta.sections.argocdApplications = { state: 'absent' };
    });
    const evaluation = run(apps!, [forbidden, absent]);
    expect(evaluation.unevaluated.map((c) => [c.cluster, c.reason])).toEqual([
      ['a', 'not collected: argocdApplications forbidden (applications is forbidden)'],
    ]);
    expect(tallyOf(evaluation, 'ORG-APP-AUTOSYNC')).toEqual({ applicable: 1, evaluated: 0, passed: 0 });
  });

  it('skips the platform namespaces of a tenant-hygiene rule', () => {
    const [hygiene] = rulesOf(NS_OWNER.replace('    each:', '    tenantHygiene: true\n    each:'));
    const cluster = prod((s) => namespaces(s, 'istio-system', 'web'));
    expect(run(hygiene!, [cluster]).findings.map((f) => f.resource)).toEqual(['Namespace/web']);
    expect(run(rule!, [cluster]).findings.map((f) => f.resource)).toEqual(['Namespace/istio-system', 'Namespace/web']);
  });
});

describe('the time budget of a custom rule', () => {
  it('stops evaluating a rule that ran out of time on a cluster: the rest of its items are not evaluated', () => {
    // Prepare: a clock that advances 2 s per reading.
    let ms = 0;
    const clock = () => {
      ms += 2000;
      return ms;
    };
    const definition: CustomRuleDefinition = {
      file: 'org.yaml',
      fileSha256: '0'.repeat(64),
      id: 'ORG-SLOW',
      title: 'slow',
      severity: 'low',
      area: 'quotas',
      scope: 'cluster',
      each: compileCel('snapshot.namespaces', ['snapshot', 'cluster', 'now']),
      subject: compileCel("'Namespace/' + item.name", ['snapshot', 'cluster', 'now', 'item']),
      when: null,
      assert: compileCel('true', ['snapshot', 'cluster', 'now', 'item']),
      message: compileCel("'x'", ['snapshot', 'cluster', 'now', 'item']),
      rationale: 'r',
      remediation: 'r',
      controls: { cis: null, nsa: null, soc2: [] },
      tenantHygiene: false,
    };
    const cluster = snapshotOf('cluster-a', (s) => namespaces(s, 'a', 'b', 'c', 'd', 'e'));

    // Act
    const evaluation = run(customRuleOf(definition, { clock }), [cluster]);

    // Assess: started at 2 s; a and b were evaluated (4 s, 6 s in), c found 6 s gone (over 5 s).
    expect(evaluation.unevaluated.map((c) => [c.subject, c.reason])).toEqual([
      ['Cluster/cluster-a', `cost limit: 3 of 5 items not evaluated after ${MAX_RULE_MILLIS} ms`],
    ]);
    expect(tallyOf(evaluation, 'ORG-SLOW')).toEqual({ applicable: 3, evaluated: 2, passed: 2 });
  });
});

describe('rules.files in the fleet file', () => {
  it('reads the rules files relative to the fleet file, before `rules.disabled` may name their ids', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'fleetledger-rules-files-'));
    await mkdir(join(dir, 'rules'));
    await writeFile(join(dir, 'rules', 'org.yaml'), NS_OWNER);
    const fleet =
      'clusters:\n  - { name: a, token: { server: https://10.0.0.1:6443, tokenEnv: A_TOKEN } }\nrules:\n  files: [rules/org.yaml]\n  severity: { ORG-NS-OWNER: low }\n';

    // Act
    const parsed = parseFleetFile(fleet, join(dir, 'fleet.yaml'), { checkAccess: false });

    // Assess
    expect(parsed.rules?.severity).toEqual({ 'ORG-NS-OWNER': 'low' });
    expect(ruleCatalog().map((rule) => rule.id)).toContain('ORG-NS-OWNER');
    expect(() => parseFleetFile(fleet.replace('rules/org.yaml', 'rules/none.yaml'), join(dir, 'fleet.yaml'))).toThrow(
      `${join(dir, 'fleet.yaml')}: rules.files: cannot read ${join(dir, 'rules', 'none.yaml')}`,
    );
    await rm(dir, { recursive: true, force: true });
  });

  it('says plainly that the rules files of a fleet file in S3 are read from S3 by the deployed functions', () => {
    expect(() =>
      parseFleetFile('clusters: []\nrules: { files: [org.yaml] }\n', 's3://audit/config/fleet.yaml', {
        checkAccess: false,
      }),
    ).toThrow(
      's3://audit/config/fleet.yaml: rules.files: a fleet file in S3 has its rules files read from S3 by the deployed functions only',
    );
  });
});
