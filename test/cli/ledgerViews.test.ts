/**
 * `fleetledger diff` and `fleetledger reports list|show` over the demo ledger (two weekly cycles of
 * the simulated demo fleet), with a second report of the week that supersedes the first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliInProcess } from '../support/cli.js';

let root: string;
let ledger: string;
const NOW = '2026-11-25T09:00:00Z';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ledger-views-'));
  ledger = join(root, 'ledger');
  const demo = await runCliInProcess(['demo', '--store', ledger, '--out', join(root, 'out'), '--now', NOW]);
  if (demo.status !== 0) throw new Error(`demo failed: ${demo.stderr}`);
  const again = await runCliInProcess([
    'report',
    '--store',
    ledger,
    '--period',
    '2026-W48',
    '--now',
    '2026-11-26T09:00:00Z',
    '--reason',
    'waivers reviewed',
  ]);
  // 3: stored, but the demo's host cluster is partly collected by design.
  if (again.status !== 3) throw new Error(`report failed (${again.status}): ${again.stderr}`);
}, 120_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The snapshot keys of a cluster in the demo ledger, oldest first. */
async function snapshotKeys(cluster: string): Promise<string[]> {
  const { DirectoryLedgerStore } = await import('../../src/ledger/directoryStore.js');
  const { listSnapshots } = await import('../../src/ledger/snapshots.js');
  return (await listSnapshots(new DirectoryLedgerStore(ledger), { cluster })).map((ref) => ref.key);
}

describe('fleetledger diff', () => {
  it('between two periods: exits 1 and names new, resolved and changed findings and fact changes', async () => {
    const { status, stdout } = await runCliInProcess(['diff', '--store', ledger, '2026-w47', '2026-W48']);

    expect(status).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^--- 2026-W47 \(reports\/2026-W47\/2026-11-18T09-00-\d\d\.\d{3}Z\/\)$/);
    expect(lines[1]).toMatch(/^\+\+\+ 2026-W48 \(reports\/2026-W48\/2026-11-26T09-00-\d\d\.\d{3}Z\/\)$/);
    expect(lines).toContain(
      '~ quotas cluster-a ResourceQuota/payments/default-quota: hard limits changed: requests.cpu 6 -> 8',
    );
    expect(lines).toContain(
      '~ finding CERT-EXPIRING cluster-a Secret/payments/payments-api-tls: high/open -> critical/open',
    );
    expect(
      lines.filter((line) =>
        line.startsWith('+ finding critical CERT-EXPIRED cluster-b Secret/reporting/reports-tls:'),
      ),
    ).toHaveLength(1);
    expect(lines.at(-1)).toBe('5 finding(s) new, 3 resolved, 3 changed; 4 fact change(s)');
  });

  it('of a period with itself: exits 0, no change', async () => {
    const { status, stdout } = await runCliInProcess([
      'diff',
      '--store',
      ledger,
      '2026-W48',
      '2026-W48',
      '--format',
      'json',
    ]);

    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      equal: true,
      facts: [],
      findings: { added: [], resolved: [], changed: [] },
      compliance: [],
    });
  });

  it('between two snapshots of a cluster: the facts and findings of that cluster alone', async () => {
    const [older, newer] = await snapshotKeys('cluster-a');

    const { status, stdout } = await runCliInProcess(['diff', '--store', ledger, older!, newer!, '--format', 'json']);

    expect(status).toBe(1);
    const diff = JSON.parse(stdout) as {
      from: string;
      to: string;
      facts: { cluster: string; subject: string; change: string }[];
      findings: {
        added: { rule: string; cluster: string }[];
        changed: { id: string; before: { severity: string }; after: { severity: string } }[];
      };
    };
    expect([diff.from, diff.to]).toEqual([older, newer]);
    expect(diff.facts.map((fact) => [fact.cluster, fact.change, fact.subject])).toEqual([
      ['cluster-a', 'changed', 'ResourceQuota/payments/default-quota'],
      ['cluster-a', 'changed', 'K8sDisallowHostPath/disallow-host-path'],
    ]);
    expect(diff.findings.added.map((finding) => [finding.rule, finding.cluster])).toEqual([
      ['QUOTA-NEAR-LIMIT', 'cluster-a'],
    ]);
    expect(diff.findings.changed.map((entry) => [entry.before.severity, entry.after.severity])).toEqual([
      ['high', 'critical'],
    ]);
  });

  it('refuses snapshots of two clusters, and arguments that are neither periods nor snapshot keys (exit 2)', async () => {
    const [a] = await snapshotKeys('cluster-a');
    const [b] = await snapshotKeys('cluster-b');

    const twoClusters = await runCliInProcess(['diff', '--store', ledger, a!, b!]);
    const nonsense = await runCliInProcess(['diff', '--store', ledger, '2026-W48', 'last-week']);

    expect(twoClusters.status).toBe(2);
    expect(twoClusters.stderr).toBe(
      'error: diff: the snapshots are of two clusters ("cluster-a" and "cluster-b"): compare snapshots of one cluster, or two periods\n',
    );
    expect(nonsense.status).toBe(2);
    expect(nonsense.stderr).toBe(
      'error: diff: expected two periods (2026-W48) or two snapshot keys (snapshots/cluster=NAME/date=.../....json.gz), got "2026-W48"\n',
    );
  });
});

describe('fleetledger reports', () => {
  it('list: every report with its period, whether it was superseded, and its scores', async () => {
    const { status, stdout } = await runCliInProcess(['reports', 'list', '--store', ledger, '--format', 'json']);

    expect(status).toBe(0);
    const rows = JSON.parse(stdout) as { period: string; superseded: boolean; compliance: number; problem: null }[];
    expect(rows.map((row) => [row.period, row.superseded])).toEqual([
      ['2026-W47', false],
      ['2026-W48', true],
      ['2026-W48', false],
    ]);
    expect(rows.every((row) => row.compliance > 0 && row.compliance < 1 && row.problem === null)).toBe(true);

    const text = await runCliInProcess(['reports', 'list', '--store', ledger, '--period', '2026-w48']);
    expect(text.stdout.split('\n').map((line) => line.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'PERIOD GENERATED STATE',
      expect.stringMatching(/^2026-W48 2026-11-25T09:00:\d\d\.\d{3}Z superseded$/),
      expect.stringMatching(/^2026-W48 2026-11-26T09:00:\d\d\.\d{3}Z current$/),
      '',
    ]);
  });

  it('show: the latest report of the period; with --format json, report.json exactly as stored', async () => {
    const text = await runCliInProcess(['reports', 'show', '--store', ledger, '--period', '2026-W48']);
    const json = await runCliInProcess([
      'reports',
      'show',
      '--store',
      ledger,
      '--period',
      '2026-W48',
      '--format',
      'json',
    ]);

    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(
      /^report 2026-W48 \(UTC\) generated at 2026-11-26T09:00:\d\d\.\d{3}Z: reports\/2026-W48\/\S+\/\n {2}supersedes the report generated at 2026-11-25T09:00:\d\d\.\d{3}Z\n/,
    );
    expect(text.stdout).toMatch(/^CLUSTER +STATUS +COMPLIANCE +COVERAGE +OPEN$/m);
    const { readLatestReport } = await import('../../src/report/email/storedReport.js');
    const { DirectoryLedgerStore } = await import('../../src/ledger/directoryStore.js');
    const stored = await readLatestReport(new DirectoryLedgerStore(ledger), '2026-W48');
    expect(json.stdout).toBe(Buffer.from(stored.reportJson).toString('utf8'));
  });
});

describe('machine output and gates of the everyday commands', () => {
  it('evaluate exits 1 on open critical findings by default, and not with --fail-on none', async () => {
    const gated = await runCliInProcess([
      'evaluate',
      '--store',
      ledger,
      '--period',
      '2026-W48',
      '--now',
      '2026-11-26T10:00:00Z',
    ]);
    const ungated = await runCliInProcess([
      'evaluate',
      '--store',
      ledger,
      '--period',
      '2026-W48',
      '--now',
      '2026-11-26T10:00:00Z',
      '--fail-on',
      'none',
    ]);

    expect(gated.status).toBe(1);
    expect(gated.stderr).toBe('3 open finding(s) at or above critical (--fail-on critical)\n');
    expect(ungated.status).toBe(0);
    expect(ungated.stderr).toBe('');
  });

  it('verify --format json says whether the ledger verified, with the counts', async () => {
    const { status, stdout } = await runCliInProcess(['verify', '--store', ledger, '--format', 'json']);

    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ store: ledger, verified: true, ok: true, problems: [] });
  });
});
