/**
 * `fleetledger doctor` against simulated API servers over HTTPS with the real Kubernetes client:
 * one cluster whose reader may not read some resources (answered by SelfSubjectAccessReview from
 * the simulator's `forbidden` list), one that is not listening, one that rejects the token and one
 * whose serving certificate the kubeconfig's CA does not sign.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REQUIRED_READS, readName } from '../../src/doctor/requiredReads.js';
import type { RunningFleet, SimulatedClusterDefinition } from '../../src/simulator/fleet.js';
import { crd, namespace } from '../collect/fixtures.js';
import { runCliInProcess } from '../support/cli.js';
import { startSmtpServer } from '../support/smtp.js';

let startSimulatedFleet: (clusters: SimulatedClusterDefinition[], options?: { now?: Date }) => Promise<RunningFleet>;
let fleet: RunningFleet;
let kubeconfig: string;
const dir = mkdtempSync(join(tmpdir(), 'doctor-'));

interface Kubeconfig {
  clusters: { name: string; cluster: Record<string, string> }[];
  users: { name: string; user: Record<string, string> }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
}

beforeAll(async () => {
  ({ startSimulatedFleet } = await import('../../src/simulator/fleet.js'));
  fleet = await startSimulatedFleet([
    {
      name: 'refusing',
      objects: [namespace('payments'), crd('cert-manager.io', ['v1'], 'Certificate', 'certificates', 'Namespaced')],
      config: { forbidden: ['secrets', 'certificates.cert-manager.io'] },
    },
    { name: 'gone', objects: [], config: { faults: { unreachable: true } } },
    { name: 'badtoken', objects: [] },
    { name: 'wrongca', objects: [] },
  ]);
  // The kubeconfig as a user might have it wrong: a stale token, another cluster's CA.
  const config = parse(readFileSync(fleet.kubeconfigPath, 'utf8')) as Kubeconfig;
  const userOf = (context: string) => config.contexts.find((c) => c.name === context)!.context.user;
  const clusterOf = (context: string) => config.contexts.find((c) => c.name === context)!.context.cluster;
  config.users.find((u) => u.name === userOf('badtoken'))!.user['token'] = 'sim-stale-token';
  const refusingCa = config.clusters.find((c) => c.name === clusterOf('refusing'))!.cluster[
    'certificate-authority-data'
  ]!;
  config.clusters.find((c) => c.name === clusterOf('wrongca'))!.cluster['certificate-authority-data'] = refusingCa;
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, stringify(config));
});
afterAll(async () => {
  await fleet.stop();
});

describe('fleetledger doctor', () => {
  it('finds the denied reads by SelfSubjectAccessReview and prints the ClusterRole that grants them (exit 3)', async () => {
    const { status, stdout, stderr } = await runCliInProcess([
      'doctor',
      '--kubeconfig',
      kubeconfig,
      '--context',
      'refusing',
      '--store',
      join(dir, 'ledger'),
    ]);

    expect(stderr).toBe('');
    expect(status).toBe(3);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^CLUSTER +STATUS +VERSION +OPTIONAL APIS +DENIED READS$/);
    expect(lines[1]).toMatch(/^refusing +ok +v1\.\d+\.\d+ +cert-manager +2 of \d+$/);
    expect(lines[2]).toBe('refusing: denied: secrets, certificates.cert-manager.io');
    expect(stdout).toContain(
      `store ${join(dir, 'ledger')}: reachable does not exist yet; writable will be created in ${dir}`,
    );
    expect(stdout).toContain(
      [
        'kind: ClusterRole',
        'metadata:',
        '  name: fleetledger-reader-additions',
        'rules:',
        '  - apiGroups: [""]',
        '    resources: [secrets]',
        '    verbs: [get, list]',
        '  - apiGroups: [cert-manager.io]',
        '    resources: [certificates]',
        '    verbs: [get, list]',
      ].join('\n'),
    );
  });

  it('exits 1 and says why when a cluster cannot be audited: unreachable, credentials rejected, TLS not verified', async () => {
    const { status, stdout } = await runCliInProcess(['doctor', '--kubeconfig', kubeconfig, '--format', 'json']);

    expect(status).toBe(1);
    const report = JSON.parse(stdout) as {
      clusters: {
        cluster: string;
        verdict: string;
        problem: string | null;
        denied: { group: string; resource: string }[];
      }[];
      exitCode: number;
    };
    expect(report.clusters.map((c) => [c.cluster, c.verdict])).toEqual([
      ['refusing', 'ok'],
      ['gone', 'unreachable'],
      ['badtoken', 'auth'],
      ['wrongca', 'tls'],
    ]);
    expect(report.clusters[2]!.problem).toMatch(/HTTP 401/);
    expect(report.clusters[0]!.denied).toEqual([
      { group: '', resource: 'secrets' },
      { group: 'cert-manager.io', resource: 'certificates' },
    ]);
    expect(report.exitCode).toBe(1);
    // No token leaves in the output.
    expect(stdout).not.toMatch(/sim-[A-Za-z0-9_-]{20,}/);
  });

  it('does not count a denied Secret read when the fleet reads no Secrets', async () => {
    const fleetFile = join(dir, 'fleet.yaml');
    writeFileSync(
      fleetFile,
      `defaults: { readSecrets: false }\nclusters:\n  - { name: refusing, kubeconfig: { path: ${kubeconfig}, context: refusing } }\n`,
    );

    const { status, stdout } = await runCliInProcess(['doctor', '--fleet', fleetFile]);

    expect(status).toBe(3);
    expect(stdout).toContain('refusing: denied: certificates.cert-manager.io\n');
  });
});

describe('doctor beyond the clusters', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('logs in to the SMTP server with the configured credentials, and loads and uses the signing key', async () => {
    const smtp = await startSmtpServer({ users: { audit: 's3cret-pass' } });
    const keys = join(dir, 'keys');
    try {
      expect((await runCliInProcess(['keygen', '--out', keys])).status).toBe(0);
      process.env['FLEETLEDGER_SMTP_USER'] = 'audit';
      process.env['FLEETLEDGER_SMTP_PASSWORD'] = 's3cret-pass';
      const args = ['doctor', '--kubeconfig', kubeconfig, '--context', 'refusing', '--smtp', smtp.url];

      const good = await runCliInProcess([...args, '--signing-key', join(keys, 'fleetledger-signing.key')]);
      process.env['FLEETLEDGER_SMTP_PASSWORD'] = 'wrong';
      const bad = await runCliInProcess(args);

      expect(good.status).toBe(3);
      expect(good.stdout).toContain(`\nsmtp: ${smtp.url}: connected, logged in as audit\n`);
      expect(good.stdout).toMatch(/^signing key: sha256:[0-9a-f]{64}: signs$/m);
      expect(bad.status).toBe(1);
      expect(bad.stdout).toMatch(
        new RegExp(`^smtp: fail: ${smtp.url.replaceAll('.', '\\.')}: .*Invalid (login|username or password)`, 'm'),
      );
      expect(`${good.stdout}${bad.stdout}`).not.toContain('s3cret-pass');
    } finally {
      await smtp.stop();
    }
  });
});

describe('without --fleet or --kubeconfig', () => {
  const saved = process.env['KUBECONFIG'];
  afterEach(() => {
    if (saved === undefined) delete process.env['KUBECONFIG'];
    else process.env['KUBECONFIG'] = saved;
  });

  it('doctor and run use the contexts of $KUBECONFIG', async () => {
    process.env['KUBECONFIG'] = kubeconfig;
    const ledger = join(dir, 'kubeconfig-ledger');

    const doctor = await runCliInProcess(['doctor', '--context', 'refusing', '--format', 'json']);
    const run = await runCliInProcess(['run', '--store', ledger, '--context', 'refusing', '--format', 'json']);

    expect(doctor.status).toBe(3);
    expect((JSON.parse(doctor.stdout) as { clusters: { cluster: string }[] }).clusters.map((c) => c.cluster)).toEqual([
      'refusing',
    ]);
    // Stored, partial: the reader may not read Secrets or certificates there.
    expect(run.status).toBe(3);
    const result = JSON.parse(run.stdout) as {
      snapshots: { clusters: { cluster: string; status: string }[] };
      report: { period: string };
    };
    expect(result.snapshots.clusters.map((c) => [c.cluster, c.status])).toEqual([['refusing', 'partial']]);
  });
});

describe('the reads doctor checks', () => {
  it('are exactly what examples/rbac/fleetledger-reader.yaml grants', () => {
    const text = readFileSync(new URL('../../examples/rbac/fleetledger-reader.yaml', import.meta.url), 'utf8');
    const role = text
      .split('\n---\n')
      .map((document) => parse(document) as { kind?: string; rules?: { apiGroups: string[]; resources: string[] }[] })
      .find((document) => document.kind === 'ClusterRole')!;
    const granted = role.rules!.flatMap((rule) =>
      rule.apiGroups.flatMap((group) => rule.resources.map((resource) => readName({ group, resource }))),
    );

    expect(REQUIRED_READS.map(readName).sort()).toEqual(granted.sort());
  });
});
