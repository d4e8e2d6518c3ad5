import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { snapshotKey } from '../../src/ledger/keys.js';
import { recordRun } from '../../src/ledger/manifest.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { generateReport } from '../../src/report/generateReport.js';
import { runCliInProcess } from '../support/cli.js';
import { snapshotAt } from './fixtures.js';

const cli = (...argv: string[]) => runCliInProcess(argv);

const EARLY = '2026-11-24T08:00:00.000Z';
const LATE = '2026-11-26T08:00:00.000Z';

describe('what a report or evaluation may see, and where it may go', () => {
  let root: string;
  let scratch: string;
  let store: DirectoryLedgerStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'report-bounds-'));
    scratch = await mkdtemp(join(tmpdir(), 'report-bounds-out-'));
    store = new DirectoryLedgerStore(root);
    const written = [
      await writeSnapshot(store, snapshotAt('a', EARLY)),
      await writeSnapshot(store, snapshotAt('a', LATE)),
    ];
    await recordRun(store, { runAt: DateTime.fromISO(LATE), written, kind: 'snapshot' });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  });

  const storedReports = async () => store.list('reports/');

  it('reports as of --now on the snapshots collected by then, not later ones of the period', async () => {
    // Earlier than the ledger's newest run (the LATE one): only a backfill may report as of then.
    const asOfEarly = await generateReport({
      store,
      period: '2026-W48',
      now: DateTime.fromISO('2026-11-25T09:00:00Z'),
      backfill: true,
    });
    const asOfLate = await generateReport({ store, period: '2026-W48', now: DateTime.fromISO('2026-11-27T09:00:00Z') });

    expect(asOfEarly.doc.clusters.map((c) => [c.name, c.snapshotKey])).toEqual([['a', snapshotKey('a', EARLY)]]);
    expect(asOfLate.doc.clusters.map((c) => [c.name, c.snapshotKey])).toEqual([['a', snapshotKey('a', LATE)]]);
  });

  it('evaluates as of --now on the snapshots collected by then', async () => {
    const result = await cli(
      'evaluate',
      '--store',
      root,
      '--period',
      '2026-W48',
      '--now',
      '2026-11-25T09:00:00Z',
      '--format',
      'json',
    );

    expect(result.status).toBe(0);
    const document = JSON.parse(result.stdout) as { snapshots: { cluster: string; collectedAt: string }[] };
    expect(document.snapshots.map((s) => [s.cluster, s.collectedAt])).toEqual([['a', EARLY]]);
  });

  it('refuses a report, an evaluation and an e-mail of a period that has not started, storing nothing', async () => {
    const now = ['--now', '2026-11-25T09:00:00Z'];
    const expected =
      'error: --period: 2027-W10 (UTC) starts 2027-03-08T00:00:00.000Z, after now (2026-11-25T09:00:00.000Z): choose a period that has begun\n';

    const report = await cli('report', '--store', root, '--period', '2027-W10', ...now);
    const evaluate = await cli('evaluate', '--store', root, '--period', '2027-W10', ...now);
    const email = await cli(
      'email',
      '--store',
      root,
      '--period',
      '2027-W10',
      '--to',
      'ops@example.com',
      '--from',
      'audit@example.com',
      '--smtp',
      'smtp://127.0.0.1:1',
      ...now,
    );

    expect([report, evaluate, email].map((r) => [r.status, r.stderr])).toEqual([
      [2, expected],
      [2, expected],
      [2, expected],
    ]);
    expect(await storedReports()).toEqual([]);
  });

  it('rejects a --now whose UTC offset is beyond ±18:00', async () => {
    const result = await cli('report', '--store', root, '--now', '2026-11-25T12:00:00+25:00');

    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'error: --now: expected a UTC offset between -18:00 and +18:00, got "2026-11-25T12:00:00+25:00"\n',
    );
    expect(await storedReports()).toEqual([]);
  });

  it('refuses an --out below a file before storing anything (exit 2, one line)', async () => {
    const file = join(scratch, 'afile');
    await writeFile(file, 'not a directory\n');

    const result = await cli('report', '--store', root, '--now', '2026-11-25T09:00:00Z', '--out', join(file, 'x'));

    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `error: --out: cannot use ${join(file, 'x')} as an output directory: ENOTDIR: not a directory, mkdir '${join(file, 'x')}'\n`,
    );
    expect(await storedReports()).toEqual([]);
  });

  it('refuses an unusable --out of run and demo before contacting any cluster or writing the ledger', async () => {
    const file = join(scratch, 'afile');
    await writeFile(file, 'not a directory\n');
    await writeFile(join(scratch, 'token'), 'unused\n');
    const fleetFile = join(scratch, 'fleet.yaml');
    await writeFile(
      fleetFile,
      'clusters:\n  - name: a\n    token: { server: https://127.0.0.1:1, tokenFile: ./token }\n',
    );
    const emptyLedger = join(scratch, 'ledger');
    const expected = `error: --out: cannot use ${join(file, 'x')} as an output directory: ENOTDIR: not a directory, mkdir '${join(file, 'x')}'\n`;

    const run = await cli('run', '--fleet', fleetFile, '--store', emptyLedger, '--out', join(file, 'x'));
    const demo = await cli('demo', '--store', emptyLedger, '--out', join(file, 'x'));

    expect([run, demo].map((r) => [r.status, r.stdout, r.stderr])).toEqual([
      [2, '', expected],
      [2, '', expected],
    ]);
    expect((await readdir(scratch)).sort()).toEqual(['afile', 'fleet.yaml', 'token']);
  });

  it('creates a missing --out directory with its parents and copies the files into it', async () => {
    const out = join(scratch, 'deep', 'er');

    const result = await cli('report', '--store', root, '--now', '2026-11-27T09:00:00Z', '--out', out);

    expect(result.status).toBe(0);
    expect((await readdir(out)).length).toBe(8);
  });

  it('masks the user and password of an --smtp URL it rejects', async () => {
    const result = await cli(
      'email',
      '--store',
      root,
      '--period',
      '2026-W48',
      '--to',
      'ops@example.com',
      '--from',
      'audit@example.com',
      '--smtp',
      'smpt://mailer:FAKE-PASSWORD@mail.internal:25',
    );

    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'error: --smtp: expected smtp://host:port or smtps://host:port, got "smpt://***@mail.internal:25"\n',
    );
  });
});
