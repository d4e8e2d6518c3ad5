/**
 * `report --out`: the files are copied to the directory as they are written into the store, and
 * put in place only once the report is stored. A copy that cannot be written does not stop the
 * report: it is stored (write-once) and the failure names the file.
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { OperationalError } from '../../src/core/errors.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { REPORT_FILES } from '../../src/ledger/keys.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { generateReport } from '../../src/report/generateReport.js';
import { recordStoredSnapshots } from '../support/recordedSnapshots.js';
import { namespacesNamed, snapshotAt } from './fixtures.js';

const NOW = DateTime.fromISO('2026-11-25T09:00:00.000Z', { zone: 'utc' });
const FOLDER = 'reports/2026-W48/2026-11-25T09-00-00.000Z/';

describe('report --out copies', () => {
  let root: string;
  let out: string;
  let store: DirectoryLedgerStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'report-ledger-'));
    out = await mkdtemp(join(tmpdir(), 'report-out-'));
    store = new DirectoryLedgerStore(root);
    await writeSnapshot(store, snapshotAt('a', '2026-11-25T08:00:00.000Z', { namespaces: namespacesNamed('api') }));
    await recordStoredSnapshots(store);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  });

  it('are the stored bytes of every file, and nothing else is left in the directory', async () => {
    await generateReport({ store, period: '2026-W48', now: NOW, out });

    expect((await readdir(out)).sort()).toEqual([...REPORT_FILES].sort());
    for (const file of REPORT_FILES) {
      expect(Buffer.compare(await readFile(join(out, file)), await store.get(FOLDER + file))).toBe(0);
    }
  });

  it('that cannot be put in place leave the report stored, name the file, and leave no temporary file', async () => {
    // A directory where a file is to go: its copy cannot be renamed over it.
    await mkdir(join(out, 'findings.csv'));

    const act = generateReport({ store, period: '2026-W48', now: NOW, out });

    await expect(act).rejects.toThrow(OperationalError);
    await expect(act).rejects.toThrow(`--out: cannot write ${join(out, 'findings.csv')} (`);
    await expect(act).rejects.toThrow('EISDIR: illegal operation on a directory, rename');
    await expect(act).rejects.toThrow(`the report is stored in ${root} under ${FOLDER}`);
    for (const file of REPORT_FILES) expect((await store.head(FOLDER + file))?.size).toBeGreaterThan(0);
    expect((await store.list('manifests/')).length).toBe(2);
    expect((await readdir(out)).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});
