/**
 * A period with no snapshot of any expected cluster is not a report: `fleetledger report` exits 1
 * with one line naming the period and stores nothing, unless `--allow-empty` asks for an explicit
 * no-data report whose scores are null (never 0%).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DateTime } from 'luxon';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { EmptyPeriodError } from '../../src/report/emptyPeriod.js';
import { generateReport } from '../../src/report/generateReport.js';
import { ReportDocument } from '../../src/report/schema.js';
import { runCliInProcess } from '../support/cli.js';
import { recordStoredSnapshots } from '../support/recordedSnapshots.js';
import { snapshotAt } from './fixtures.js';

const cli = (...argv: string[]) => runCliInProcess(argv);

/** Every file below the folder with the SHA-256 of its bytes: what "nothing stored" compares. */
async function listing(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  const lines = await Promise.all(
    files.map(
      async (file) =>
        `${relative(root, file)} ${createHash('sha256')
          .update(await readFile(file))
          .digest('hex')}`,
    ),
  );
  return lines.sort();
}

describe('a period without data', () => {
  let root: string;
  let dir: string;
  let fleetFile: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'empty-period-ledger-'));
    dir = await mkdtemp(join(tmpdir(), 'empty-period-'));
    const store = new DirectoryLedgerStore(root);
    await writeSnapshot(store, snapshotAt('a', '2026-11-18T08:00:00.000Z'));
    await writeSnapshot(store, snapshotAt('b', '2026-11-18T08:00:00.000Z'));
    await writeSnapshot(store, snapshotAt('a', '2026-11-25T08:00:00.000Z'));
    await recordStoredSnapshots(store);
    await writeFile(join(dir, 'token'), 'unused\n');
    fleetFile = join(dir, 'fleet.yaml');
    await writeFile(
      fleetFile,
      'clusters:\n  - name: a\n    token: { server: https://10.0.0.1:6443, tokenFile: ./token }\n  - name: b\n    token: { server: https://10.0.0.2:6443, tokenFile: ./token }\n',
    );
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  it('is no report: exit 1, one line naming the period and its time zone, and the store unchanged', async () => {
    // Prepare
    const before = await listing(root);

    // Act
    const result = await cli(
      'report',
      '--store',
      root,
      '--fleet',
      fleetFile,
      '--period',
      '2026-W46',
      '--time-zone',
      'Europe/Berlin',
      '--now',
      '2026-11-25T09:00:00Z',
    );

    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: no snapshot of any expected cluster in 2026-W46 (Europe/Berlin, 2026-11-09 to 2026-11-15): no report stored (--allow-empty stores an explicit no-data report)\n',
    );
    expect(await listing(root)).toEqual(before);
  });

  it('says up to when a period still under way was read, and how many snapshots were unreadable', async () => {
    // Prepare: a snapshot of W48 that no run manifest records (planted) is unreadable evidence.
    await writeSnapshot(new DirectoryLedgerStore(root), snapshotAt('b', '2026-11-23T06:00:00.000Z'));
    const before = await listing(root);

    // Act: W48 as of Monday 07:00, before the only recorded W48 snapshot was collected.
    const result = await cli('report', '--store', root, '--now', '2026-11-23T07:00:00Z');

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'error: no readable snapshot of any expected cluster in 2026-W48 (UTC, 2026-11-23 to 2026-11-29) up to 2026-11-23T07:00:00.000Z, 1 unreadable (run fleetledger verify): no report stored (--allow-empty stores an explicit no-data report)\n',
    );
    expect(await listing(root)).toEqual(before);
  });

  it('throws a typed EmptyPeriodError from the core, before anything is written', async () => {
    const store = new DirectoryLedgerStore(root);
    const before = await listing(root);

    const error = await generateReport({
      store,
      period: '2026-W40',
      now: DateTime.fromISO('2026-11-25T09:00:00Z', { zone: 'utc' }),
    }).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(EmptyPeriodError);
    expect((error as EmptyPeriodError).period.id).toBe('2026-W40');
    expect(await listing(root)).toEqual(before);
  });

  it('with --allow-empty, is stored as an explicit no-data report whose scores are null, never 0%', async () => {
    // Act
    const result = await cli(
      'report',
      '--store',
      root,
      '--fleet',
      fleetFile,
      '--period',
      '2026-W46',
      '--now',
      '2026-11-25T09:00:00Z',
      '--allow-empty',
      '--out',
      join(dir, 'out'),
    );

    // Assess: the CLI summary; stored, but every expected cluster is missing: partial (3), not a success
    expect(result.stderr).toBe('');
    expect(result.status).toBe(3);
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'report 2026-W46 (UTC) generated at 2026-11-25T09:00:00.000Z',
      '  no data: no snapshot of any expected cluster in the period; compliance and coverage are unknown (null), not 0%',
      '  clusters: 2 (0 ok, 0 partial, 0 unreachable, 2 missing)',
    ]);
    // The run's opening, the report files, its heads index and the manifest; no trend index entry.
    expect(result.stdout).toContain(`stored in ${root}: reports/2026-W46/2026-11-25T09-00-00.000Z/ (11 objects)`);
    expect(result.stdout).not.toContain('index/trend/');
    await expect(readdir(join(root, 'index', 'trend', 'period=2026-W46'))).rejects.toThrow(/ENOENT/);

    // report.json
    const doc = ReportDocument.parse(JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8')));
    expect(doc.noData).toBe(true);
    expect(doc.fleet).toMatchObject({
      compliance: null,
      coverage: null,
      delta: { compliance: null, coverage: null },
      open: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
    });
    expect(doc.clusters.map((c) => [c.name, c.status, c.compliance, c.coverage, c.statusReason])).toEqual([
      ['a', 'missing', null, null, 'no snapshot in 2026-W46'],
      ['b', 'missing', null, null, 'no snapshot in 2026-W46'],
    ]);
    expect(doc.findings).toEqual([]);
    expect(doc.trend.series.fleet.at(-1)).toEqual({
      period: '2026-W46',
      compliance: null,
      coverage: null,
      open: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
    });

    // Every renderer says "no data" rather than a percentage.
    const html = await readFile(join(dir, 'out', 'report.html'), 'utf8');
    expect(html).toContain('No data for 2026-W46');
    // No score is shown as a percentage (axis labels such as "50%" have no decimals).
    expect(html).not.toMatch(/[0-9]\.[0-9]%/);
    const text = await readFile(join(dir, 'out', 'email.txt'), 'utf8');
    expect(text).toContain(
      'Fleet compliance: no data (nothing was evaluated)\nCoverage:         no data (nothing was evaluated)\n',
    );
    expect(text).toContain(
      'NO DATA: no snapshot of any expected cluster in 2026-W46. Nothing was evaluated: the scores are unknown, not 0%.',
    );
    const emailHtml = await readFile(join(dir, 'out', 'email.html'), 'utf8');
    expect(emailHtml).toContain('<title>fleetledger 2026-W46: no data (no snapshot of any expected cluster)</title>');
    expect(await readFile(join(dir, 'out', 'findings.csv'), 'utf8')).toBe(
      'id,severity,status,rule,clusters,resource,message,firstSeen,ageDays,waiverOwner,waiverExpires\r\n' +
        ',,no-data,,a;b,,no snapshot of any expected cluster in 2026-W46: nothing was evaluated,,,,\r\n',
    );
    const policyReports = await readFile(join(dir, 'out', 'policyreport.yaml'), 'utf8');
    expect(policyReports).toContain('fleetledger.dev/no-data: "true"');
    expect(policyReports.match(/"result":"error"/g)).toHaveLength(2);
    expect(policyReports).toContain('summary:\n  pass: 0\n  fail: 0\n  warn: 0\n  error: 1\n  skip: 0\n');
  });
});
