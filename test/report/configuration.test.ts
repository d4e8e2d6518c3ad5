/**
 * Every report records what produced it (report.json `configuration`): the fleet and waivers files
 * with the SHA-256 of the bytes the run read, the effective rule settings and the excluded
 * namespaces; report.html shows them in the appendix and the executive summary says what the
 * settings hide.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_IN_PLATFORM_NAMESPACES } from '../../src/evaluate/platformNamespaces.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { ReportDocument } from '../../src/report/schema.js';
import { runCliInProcess } from '../support/cli.js';
import { recordStoredSnapshots } from '../support/recordedSnapshots.js';
import { snapshotAt } from './fixtures.js';

const cli = (...argv: string[]) => runCliInProcess(argv);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const FLEET = `clusters:
  - name: a
    token: { server: https://10.0.0.1:6443, tokenFile: ./token }
rules:
  quotaNearLimit: 0.95
  excludeNamespaces: [kube-system, "team-*"]
  platformNamespaces: [istio-system, argocd]
  extraPlatformNamespaces: ["observability-*"]
  checkPlatformNamespaces: [argocd]
  disabled: [QUOTA-MISSING, LIMITRANGE-MISSING]
  severity: { ARGO-AUTOSYNC-OFF: info, CERT-EXPIRED: critical }
`;
const WAIVERS = `waivers:
  - rule: NETPOL-NO-DEFAULT-DENY
    cluster: a
    reason: Ingress is restricted by the service mesh
    owner: team-platform
    expires: 2027-03-31
`;

describe('the configuration a report records', () => {
  let root: string;
  let dir: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'configuration-ledger-'));
    dir = await mkdtemp(join(tmpdir(), 'configuration-'));
    const store = new DirectoryLedgerStore(root);
    await writeSnapshot(store, snapshotAt('a', '2026-11-25T08:00:00.000Z'));
    await recordStoredSnapshots(store);
    await writeFile(join(dir, 'token'), 'unused\n');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  it('names the fleet and waivers files with the SHA-256 of their bytes and the effective rule settings', async () => {
    // Prepare
    const fleetFile = join(dir, 'fleet.yaml');
    const waiversFile = join(dir, 'waivers.yaml');
    await writeFile(fleetFile, FLEET);
    await writeFile(waiversFile, WAIVERS);
    const out = join(dir, 'out');

    // Act
    const result = await cli(
      'report',
      '--store',
      root,
      '--fleet',
      fleetFile,
      '--waivers',
      waiversFile,
      '--now',
      '2026-11-25T09:00:00Z',
      '--out',
      out,
    );

    // Assess
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const doc = ReportDocument.parse(JSON.parse(await readFile(join(out, 'report.json'), 'utf8')));
    expect(doc.configuration).toEqual({
      fleetFile: { path: fleetFile, sha256: sha256(Buffer.from(FLEET)) },
      waiversFile: { path: waiversFile, sha256: sha256(Buffer.from(WAIVERS)) },
      rules: {
        disabled: ['LIMITRANGE-MISSING', 'QUOTA-MISSING'],
        severityOverrides: [
          { rule: 'ARGO-AUTOSYNC-OFF', severity: 'info', defaultSeverity: 'low' },
          { rule: 'CERT-EXPIRED', severity: 'critical', defaultSeverity: 'critical' },
        ],
        thresholds: {
          quotaNearLimit: { value: 0.95, default: 0.9 },
          gatekeeperAuditMaxAgeHours: { value: 24, default: 24 },
          certExpiringCriticalDays: { value: 7, default: 7 },
          certExpiringHighDays: { value: 30, default: 30 },
          waiverMaxTermDays: { value: 365, default: 365 },
          argoReconcileStaleFactor: { value: 3, default: 3 },
          gatekeeperManyTemplates: { value: 25, default: 25 },
          gatekeeperMaxWebhookTimeoutSeconds: { value: 5, default: 5 },
        },
      },
      excludedNamespaces: [
        { pattern: 'kube-system', reason: 'excluded', source: 'rules.excludeNamespaces', addOn: null },
        { pattern: 'team-*', reason: 'excluded', source: 'rules.excludeNamespaces', addOn: null },
        { pattern: 'istio-system', reason: 'platform', source: 'rules.platformNamespaces', addOn: 'Istio' },
        { pattern: 'argocd', reason: 'platform', source: 'rules.platformNamespaces', addOn: 'Argo CD' },
        { pattern: 'observability-*', reason: 'platform', source: 'rules.extraPlatformNamespaces', addOn: null },
      ],
      checkedPlatformNamespaces: ['argocd'],
    });
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain(
      'Settings that hide or change findings: 2 rules disabled, 1 severity lowered, 2 namespace patterns excluded, 3 platform namespace patterns skipped by tenant-hygiene rules, 1 threshold changed from the default (see <a href="#configuration">Configuration</a> in the appendix).',
    );
    expect(html).toContain(
      `<tr><td>Fleet file</td><td class="hash"><code>${fleetFile}</code></td><td class="hash mono">${sha256(Buffer.from(FLEET))}</td></tr>`,
    );
    expect(html).toContain(
      `<tr><td>Waivers file</td><td class="hash"><code>${waiversFile}</code></td><td class="hash mono">${sha256(Buffer.from(WAIVERS))}</td></tr>`,
    );
    expect(html).toContain(
      'Left out of namespace checks (<code>excludeNamespaces</code>): <code>kube-system</code>, <code>team-*</code>.',
    );
    expect(html).toContain(
      '<code>istio-system</code> <span class="reason">Istio</span>, <code>argocd</code> <span class="reason">Argo CD</span>, <code>observability-*</code>.',
    );
    expect(html).toContain('Checked anyway (<code>checkPlatformNamespaces</code>): <code>argocd</code>.');
  });

  it('records no files and the default settings when none were given', async () => {
    const out = join(dir, 'out');

    const result = await cli('report', '--store', root, '--now', '2026-11-25T09:00:00Z', '--out', out);

    expect(result.status).toBe(0);
    const doc = ReportDocument.parse(JSON.parse(await readFile(join(out, 'report.json'), 'utf8')));
    expect(doc.configuration).toMatchObject({
      fleetFile: null,
      waiversFile: null,
      rules: { disabled: [], severityOverrides: [] },
      checkedPlatformNamespaces: [],
    });
    // The default excludeNamespaces globs, then the built-in platform namespace list.
    expect(doc.configuration?.excludedNamespaces).toEqual([
      ...['kube-system', 'kube-public', 'kube-node-lease'].map((pattern) => ({
        pattern,
        reason: 'excluded',
        source: 'rules.excludeNamespaces',
        addOn: null,
      })),
      ...BUILT_IN_PLATFORM_NAMESPACES.map(({ namespace, addOn }) => ({
        pattern: namespace,
        reason: 'platform',
        source: 'built-in',
        addOn,
      })),
    ]);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain(
      `Settings that hide or change findings: 3 namespace patterns excluded, ${BUILT_IN_PLATFORM_NAMESPACES.length} platform namespace patterns skipped by tenant-hygiene rules (see`,
    );
    expect(html).toContain('<tr><td>Fleet file</td><td colspan="2" class="empty">none</td></tr>');
  });

  it('is part of evaluate --format json too', async () => {
    const fleetFile = join(dir, 'fleet.yaml');
    await writeFile(fleetFile, FLEET);

    const result = await cli(
      'evaluate',
      '--store',
      root,
      '--fleet',
      fleetFile,
      '--now',
      '2026-11-25T09:00:00Z',
      '--format',
      'json',
    );

    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).configuration).toMatchObject({
      fleetFile: { path: fleetFile, sha256: sha256(Buffer.from(FLEET)) },
      waiversFile: null,
      rules: { disabled: ['LIMITRANGE-MISSING', 'QUOTA-MISSING'] },
    });
  });
});
