import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { runCliInProcess } from '../support/cli.js';
import { recordStoredSnapshots } from '../support/recordedSnapshots.js';
import { STORED_REPORT_FILES } from '../support/reportFiles.js';
import { snapshotAt } from './fixtures.js';

const cli = (...argv: string[]) => runCliInProcess(argv);

describe('fleetledger report', () => {
  let root: string;
  let out: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'report-cli-'));
    out = await mkdtemp(join(tmpdir(), 'report-cli-out-'));
    const store = new DirectoryLedgerStore(root);
    const ns = [{ name: 'ledger', labels: {}, phase: 'Active' }];
    await writeSnapshot(store, snapshotAt('a', '2026-11-18T08:00:00.000Z', { namespaces: ns }));
    await writeSnapshot(store, snapshotAt('a', '2026-11-25T08:00:00.000Z'));
    await recordStoredSnapshots(store);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  });

  it('prints the summary and where everything went, and copies the files to --out', async () => {
    // Prepare
    const fleetFile = join(out, 'fleet.yaml');
    await writeFile(join(out, 'token'), 'not-used-by-report\n');
    await writeFile(
      fleetFile,
      'clusters:\n  - name: a\n    token: { server: https://10.0.0.1:6443, tokenFile: ./token }\n  - name: b\n    token: { server: https://10.0.0.2:6443, tokenFile: ./token }\n',
    );
    const files = join(out, 'files');
    expect((await cli('report', '--store', root, '--period', '2026-W47', '--now', '2026-11-18T09:00:00Z')).status).toBe(
      0,
    );

    // Act
    const result = await cli(
      'report',
      '--store',
      root,
      '--now',
      '2026-11-25T09:00:00Z',
      '--fleet',
      fleetFile,
      '--out',
      files,
    );

    // Assess
    expect(result.stderr).toBe('');
    // One expected cluster is missing: the report is stored, but the collection was partial (3).
    expect(result.status).toBe(3);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('report 2026-W48 (UTC) generated at 2026-11-25T09:00:00.000Z');
    expect(lines[2]).toBe('  clusters: 2 (1 ok, 0 partial, 0 unreachable, 1 missing)');
    expect(lines[4]).toMatch(/^ {2}since 2026-W47: \d+ new, 3 resolved, \d+ persisting, 1 fact change\(s\)$/);
    // The run's opening, the report files, the trend index entry, its heads index and the manifest.
    expect(result.stdout).toContain(`stored in ${root}: reports/2026-W48/2026-11-25T09-00-00.000Z/ (12 objects)`);
    expect(result.stdout).toContain('  reports/2026-W48/2026-11-25T09-00-00.000Z/report.html');
    expect(result.stdout).toContain(`copied to ${files}`);
    expect((await readdir(files)).sort()).toEqual(STORED_REPORT_FILES);
  });

  it('exits 2 naming the flag when the period is not an ISO week', async () => {
    const result = await cli('report', '--store', root, '--period', '2026-48');
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('error: --period: expected an ISO week such as 2026-W48, got "2026-48"\n');
  });
});

/** A local port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

describe('fleetledger run', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'run-cli-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('snapshots the fleet, reports on the week, and exits 3 when a cluster could not be read', async () => {
    // Prepare: a cluster whose API server refuses connections.
    await writeFile(join(dir, 'token'), 'token\n');
    const fleetFile = join(dir, 'fleet.yaml');
    const server = `https://127.0.0.1:${await closedPort()}`;
    await writeFile(fleetFile, `clusters:\n  - name: gone\n    token: { server: '${server}', tokenFile: ./token }\n`);
    const store = join(dir, 'ledger');

    // Act
    const result = await cli('run', '--fleet', fleetFile, '--store', store, '--now', '2026-11-25T09:00:00Z');

    // Assess
    expect(result.status).toBe(3);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^gone: unreachable \(.+\) \d+\.\ds$/);
    expect(lines[1]).toMatch(/^1 cluster\(s\): 0 ok, 0 partial, 1 unreachable; /);
    expect(lines[2]).toMatch(/^report 2026-W48 \(UTC\) generated at 2026-11-25T09:00:0\d\.\d{3}Z$/);
    expect(lines[4]).toBe('  clusters: 1 (0 ok, 0 partial, 1 unreachable, 0 missing)');
    const reports = await readdir(join(store, 'reports', '2026-W48'));
    expect(reports).toHaveLength(1);
    expect((await readdir(join(store, 'reports', '2026-W48', reports[0]!))).sort()).toEqual(STORED_REPORT_FILES);
  });
});
