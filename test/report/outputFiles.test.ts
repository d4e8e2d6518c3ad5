/**
 * `--out` writes each file as a new file in the output directory and renames it into place: a
 * symbolic link (or a hard link) planted under a report file's name is replaced, and whatever it
 * pointed at is never written.
 */
import { link, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOutputFile } from '../../src/core/outputDirectory.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { REPORT_FILES } from '../../src/ledger/keys.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { runCliInProcess } from '../support/cli.js';
import { recordStoredSnapshots } from '../support/recordedSnapshots.js';
import { snapshotAt } from './fixtures.js';

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'output-files-'));
});
afterEach(() => rm(work, { recursive: true, force: true }));

describe('report --out', () => {
  it('replaces links planted under the report files’ names and never writes to their targets', async () => {
    // Prepare
    const root = join(work, 'ledger');
    const store = new DirectoryLedgerStore(root);
    await writeSnapshot(store, snapshotAt('a', '2026-11-25T08:00:00.000Z'));
    await recordStoredSnapshots(store);
    const out = join(work, 'out');
    const elsewhere = join(work, 'elsewhere');
    await mkdir(out);
    await mkdir(elsewhere);
    await writeFile(join(elsewhere, 'victim.html'), 'victim');
    await writeFile(join(elsewhere, 'hard-linked.txt'), 'hard-linked');
    await symlink(join(elsewhere, 'victim.html'), join(out, 'report.html'));
    await symlink(join(elsewhere, 'created-through-a-dangling-link.json'), join(out, 'report.json'));
    await link(join(elsewhere, 'hard-linked.txt'), join(out, 'email.txt'));

    // Act
    const result = await runCliInProcess(['report', '--store', root, '--now', '2026-11-25T09:00:00Z', '--out', out]);

    // Assess
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(await readFile(join(elsewhere, 'victim.html'), 'utf8')).toBe('victim');
    expect(await readFile(join(elsewhere, 'hard-linked.txt'), 'utf8')).toBe('hard-linked');
    expect((await readdir(elsewhere)).sort()).toEqual(['hard-linked.txt', 'victim.html']);
    expect((await readdir(out)).sort()).toEqual([...REPORT_FILES].sort());
    const folder = 'reports/2026-W48/2026-11-25T09-00-00.000Z';
    for (const file of ['report.html', 'report.json', 'email.txt']) {
      expect((await lstat(join(out, file))).isFile()).toBe(true);
      expect(await readFile(join(out, file))).toEqual(Buffer.from(await store.get(`${folder}/${file}`)));
    }
  });
});

describe('writeOutputFile', () => {
  it('creates a file, and replaces a regular file of that name', async () => {
    await writeOutputFile(work, 'a.txt', 'one');
    await writeOutputFile(work, 'a.txt', 'two');

    expect(await readFile(join(work, 'a.txt'), 'utf8')).toBe('two');
    expect(await readdir(work)).toEqual(['a.txt']);
  });

  it('replaces a symbolic link with the file and leaves its target alone', async () => {
    await writeFile(join(work, 'target.txt'), 'target');
    await symlink(join(work, 'target.txt'), join(work, 'a.txt'));

    await writeOutputFile(work, 'a.txt', 'written');

    expect(await readFile(join(work, 'target.txt'), 'utf8')).toBe('target');
    await expect(readlink(join(work, 'a.txt'))).rejects.toThrow(/EINVAL/);
    expect(await readFile(join(work, 'a.txt'), 'utf8')).toBe('written');
  });

  it('fails on a directory in the way, leaving nothing behind', async () => {
    await mkdir(join(work, 'a.txt'));

    await expect(writeOutputFile(work, 'a.txt', 'x')).rejects.toThrow(/^EISDIR/);
    expect(await readdir(work)).toEqual(['a.txt']);
  });

  it.each(['../a.txt', 'sub/a.txt', '..', '.', ''])('refuses %j, which is not a file name', async (name) => {
    await expect(writeOutputFile(work, name, 'x')).rejects.toThrow(`not a file name: "${name}"`);
    expect(await readdir(work)).toEqual([]);
  });
});
