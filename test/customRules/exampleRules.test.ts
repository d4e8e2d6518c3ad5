/**
 * End to end, through the CLI: the example organisation rules (examples/rules/organisation.yaml)
 * on the demo fleet (examples/fleet, simulated API servers over HTTPS), in `evaluate`, `report`
 * (every output format, the catalog) and `rules`; a broken rules file stops `run` with exit 2
 * before any cluster is contacted; `rules check` validates a file on its own.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearCustomRules } from '../../src/evaluate/catalog.js';
import type { RunningFleet } from '../../src/simulator/fleet.js';
import { captureOutput } from '../ledger/storeFixtures.js';

const RULES_FILE = 'examples/rules/organisation.yaml';

describe('the example organisation rules on the demo fleet', () => {
  let fleet: RunningFleet | undefined;
  let dir: string;
  let now: string;
  let main: (argv: string[]) => Promise<number>;

  beforeAll(async () => {
    const { loadFleetDirectory, startSimulatedFleet } = await import('../../src/simulator/fleet.js');
    ({ main } = await import('../../src/cli/main.js'));
    const at = new Date();
    now = at.toISOString();
    fleet = await startSimulatedFleet(await loadFleetDirectory('examples/fleet', { now: at }), { now: at });
    dir = await mkdtemp(join(tmpdir(), 'fleetledger-custom-rules-'));
    const { result } = await captureOutput(() =>
      main(['snapshot', '--kubeconfig', fleet!.kubeconfigPath, '--store', join(dir, 'ledger'), '--now', now]),
    );
    expect(result).toBe(3);
    // Evaluate as of after the collection (its snapshots are dated by the clock).
    now = new Date().toISOString();
  });

  afterAll(async () => {
    clearCustomRules();
    await fleet?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const evaluate = async (...extra: string[]) => {
    const { result, stdout, stderr } = await captureOutput(() =>
      main([
        'evaluate',
        '--store',
        join(dir, 'ledger'),
        '--fleet',
        'examples/fleet.yaml',
        '--now',
        now,
        '--format',
        'json',
        // Findings are what is asserted here, not the CI gate (evaluate exits 1 on critical findings).
        '--fail-on',
        'none',
        ...extra,
      ]),
    );
    return { result, stderr, doc: result === 0 ? JSON.parse(stdout) : null };
  };

  interface Finding {
    id: string;
    rule: string;
    cluster?: string;
    resource: string;
    message: string;
    severity: string;
  }

  it('finds what each example rule is about, and passes where the demo complies', async () => {
    // Act
    const { result, doc } = await evaluate('--rules', RULES_FILE);

    // Assess
    expect(result).toBe(0);
    const findings = (doc.findings as Finding[]).filter((f) => f.rule.startsWith('ORG-'));
    expect(findings.map((f) => [f.rule, f.cluster, f.resource, f.severity, f.message])).toEqual([
      [
        'ORG-PROD-AUTOSYNC',
        'host',
        'Application/argocd/monitoring-stack',
        'high',
        'Application argocd/monitoring-stack on production cluster host does not sync and self-heal automatically',
      ],
      [
        'ORG-PROD-AUTOSYNC',
        'host',
        'Application/argocd/payments-api',
        'high',
        'Application argocd/payments-api on production cluster host does not sync and self-heal automatically',
      ],
      [
        'ORG-PROD-AUTOSYNC',
        'host',
        'Application/argocd/web-frontend',
        'high',
        'Application argocd/web-frontend on production cluster host does not sync and self-heal automatically',
      ],
      [
        'ORG-IPPOOL-PRIVATE-RANGE',
        'cluster-a',
        'IPPool/inter-cluster-pool',
        'medium',
        'IP pool inter-cluster-pool on cluster-a uses 192.168.0.0/16, outside the 10.0.0.0/8 plan',
      ],
      [
        'ORG-IPPOOL-PRIVATE-RANGE',
        'cluster-b',
        'IPPool/inter-cluster-pool',
        'medium',
        'IP pool inter-cluster-pool on cluster-b uses 192.168.0.0/16, outside the 10.0.0.0/8 plan',
      ],
      [
        'ORG-FLEET-VERSION-BEHIND',
        'cluster-b',
        'Cluster/cluster-b',
        'low',
        'cluster-b runs Kubernetes v1.32.7, behind cluster-a v1.33.2, host v1.33.2',
      ],
    ]);
    const tallies = (doc.tallies as { rule: string; cluster: string; applicable: number; passed: number }[])
      .filter((t) => t.rule.startsWith('ORG-'))
      .map((t) => [t.rule, t.cluster, t.applicable, t.passed]);
    expect(tallies).toEqual(
      expect.arrayContaining([
        // Every tenant namespace of the demo has a team label (platform namespaces are skipped).
        ['ORG-NS-OWNER', 'cluster-a', 4, 4],
        ['ORG-NS-OWNER', 'cluster-b', 3, 3],
        ['ORG-PROD-AUTOSYNC', 'cluster-b', 1, 1],
        ['ORG-PROD-AUTOSYNC', 'host', 4, 1],
        ['ORG-FLEET-VERSION-BEHIND', 'host', 1, 1],
      ]),
    );
    expect((doc.unevaluated as { rule: string }[]).filter((c) => c.rule.startsWith('ORG-'))).toEqual([]);
    // The same findings keep their ids from run to run (trends follow them).
    const again = await evaluate('--rules', RULES_FILE);
    expect((again.doc.findings as Finding[]).filter((f) => f.rule.startsWith('ORG-')).map((f) => f.id)).toEqual(
      findings.map((f) => f.id),
    );
  });

  it('carries custom findings into every report format and the catalog of report.html and `fleetledger rules`', async () => {
    // Act
    const out = join(dir, 'out');
    const { result } = await captureOutput(() =>
      main([
        'report',
        '--store',
        join(dir, 'ledger'),
        '--fleet',
        'examples/fleet.yaml',
        '--rules',
        RULES_FILE,
        '--now',
        now,
        '--out',
        out,
      ]),
    );

    // Assess
    expect([0, 3]).toContain(result);
    const json = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as {
      findings: Finding[];
      configuration: { rulesFiles?: { path: string; sha256: string }[] };
    };
    // What produced the report: the rules file, with the SHA-256 of the bytes read.
    expect(json.configuration.rulesFiles).toEqual([
      {
        path: RULES_FILE,
        sha256: createHash('sha256')
          .update(await readFile(RULES_FILE))
          .digest('hex'),
      },
    ]);
    expect(json.findings.filter((f) => f.rule === 'ORG-IPPOOL-PRIVATE-RANGE').map((f) => f.cluster)).toEqual([
      'cluster-a',
      'cluster-b',
    ]);
    const csv = await readFile(join(out, 'findings.csv'), 'utf8');
    expect(csv.split('\n').filter((line) => line.includes('ORG-FLEET-VERSION-BEHIND'))).toHaveLength(1);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Calico IP pool outside 10.0.0.0/8');
    expect(html).toContain('The address plan gives clusters ranges in 10.0.0.0/8 only');
    const files = await readdir(out);
    for (const file of files.filter((f) => /\.(yaml|json|html|txt)$/.test(f) && f !== 'report.json')) {
      if (file === 'openreports.yaml' || file === 'policyreport.yaml' || file === 'assessment-results.json') {
        expect(await readFile(join(out, file), 'utf8')).toContain('ORG-');
      }
    }

    // check --rules: the CI gate holds only for a report that ran these rules as they are now.
    const gate = (rulesFile: string) =>
      captureOutput(() =>
        main([
          'check',
          '--store',
          join(dir, 'ledger'),
          '--fail-on',
          'none',
          '--rules',
          rulesFile,
          '--now',
          now,
          '--format',
          'json',
        ]),
      );
    const current = await gate(RULES_FILE);
    expect(current.result).toBe(0);
    expect(JSON.parse(current.stdout).reasons).toEqual([]);
    const changed = join(dir, 'organisation-changed.yaml');
    await writeFile(changed, `${await readFile(RULES_FILE, 'utf8')}# changed since the report\n`);
    const changedSha = createHash('sha256')
      .update(await readFile(changed))
      .digest('hex');
    const stale = await gate(changed);
    expect(stale.result).toBe(1);
    expect(JSON.parse(stale.stdout).reasons).toEqual([
      `the report did not run the custom rules of ${changed} as they are now (SHA-256 ${changedSha.slice(0, 12)}...): report the period again with --rules ${changed}`,
    ]);
    const broken = join(dir, 'organisation-broken.yaml');
    await writeFile(broken, (await readFile(RULES_FILE, 'utf8')).replace('severity: medium', 'severity: urgent'));
    const refused = await captureOutput(() =>
      main(['check', '--store', join(dir, 'no-such-ledger'), '--fail-on', 'none', '--rules', broken]),
    );
    expect(refused.result).toBe(2);
    expect(refused.stderr).toContain(`${broken}: rule ORG-NS-OWNER: severity: `);

    const listed = await captureOutput(() => main(['rules', '--rules', RULES_FILE, '--format', 'json']));
    expect(
      (JSON.parse(listed.stdout) as { id: string }[]).map((r) => r.id).filter((id) => id.startsWith('ORG-')),
    ).toEqual(['ORG-NS-OWNER', 'ORG-PROD-AUTOSYNC', 'ORG-IPPOOL-PRIVATE-RANGE', 'ORG-FLEET-VERSION-BEHIND']);
  });

  it('lets the fleet file name the rules files (rules.files) and disable or re-rate their rules', async () => {
    // Prepare
    const fleetFile = join(dir, 'fleet-with-rules.yaml');
    const text = await readFile('examples/fleet.yaml', 'utf8');
    await writeFile(
      fleetFile,
      text
        .replaceAll('./kubeconfig', join(process.cwd(), 'examples/kubeconfig'))
        .replace(
          'rules:\n',
          `rules:\n  files: [${join(process.cwd(), RULES_FILE)}]\n  disabled: [ORG-PROD-AUTOSYNC]\n  severity: { ORG-FLEET-VERSION-BEHIND: info }\n`,
        ),
    );

    // Act
    const { result, stdout } = await captureOutput(() =>
      main([
        'evaluate',
        '--store',
        join(dir, 'ledger'),
        '--fleet',
        fleetFile,
        '--now',
        now,
        '--format',
        'json',
        '--fail-on',
        'none',
      ]),
    );

    // Assess
    expect(result).toBe(0);
    const findings = (JSON.parse(stdout).findings as Finding[]).filter((f) => f.rule.startsWith('ORG-'));
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([
      ['ORG-IPPOOL-PRIVATE-RANGE', 'medium'],
      ['ORG-IPPOOL-PRIVATE-RANGE', 'medium'],
      ['ORG-FLEET-VERSION-BEHIND', 'info'],
    ]);
  });

  it('stops `run` with exit 2 on a broken rules file, naming file, rule and problem, before any cluster is contacted', async () => {
    // Prepare
    const broken = join(dir, 'broken.yaml');
    await writeFile(
      broken,
      (await readFile(RULES_FILE, 'utf8')).replace(
        "assert: item.cidr.startsWith('10.')",
        "assert: item.cidr.startsWith('10.'",
      ),
    );
    const store = join(dir, 'untouched');
    // A fleet file that reaches the running demo clusters: without the broken file, `run` would read them.
    const fleetFile = join(dir, 'reachable-fleet.yaml');
    await writeFile(
      fleetFile,
      `clusters:\n${fleet!.clusters.map((c) => `  - { name: ${c.name}, kubeconfig: { path: ${fleet!.kubeconfigPath}, context: ${c.name} } }\n`).join('')}`,
    );
    const requests = () => fleet!.clusters.reduce((sum, c) => sum + c.requestLog.length, 0);
    const requestsBefore = requests();

    // Act
    const { result, stderr } = await captureOutput(() =>
      main(['run', '--fleet', fleetFile, '--store', store, '--rules', broken, '--now', now]),
    );

    // Assess
    expect(result).toBe(2);
    expect(stderr).toMatch(new RegExp(`^error: ${broken}: rule ORG-IPPOOL-PRIVATE-RANGE: assert: CEL syntax error: `));
    expect(requests()).toBe(requestsBefore);
    await expect(readdir(store)).rejects.toThrow();

    const checked = await captureOutput(() => main(['rules', 'check', broken]));
    expect(checked.result).toBe(2);
    expect(checked.stderr).toContain(`${broken}: rule ORG-IPPOOL-PRIVATE-RANGE: assert: CEL syntax error`);
    const valid = await captureOutput(() => main(['rules', 'check', RULES_FILE]));
    expect([valid.result, valid.stdout]).toEqual([
      0,
      `${RULES_FILE}: 4 rule(s) valid: ORG-NS-OWNER, ORG-PROD-AUTOSYNC, ORG-IPPOOL-PRIVATE-RANGE, ORG-FLEET-VERSION-BEHIND\n`,
    ]);
  });
});
