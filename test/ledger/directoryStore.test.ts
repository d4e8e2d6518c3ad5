import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { ObjectExistsError } from '../../src/ledger/store.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const OPTIONS = { contentType: 'application/json' };

describe('DirectoryLedgerStore', () => {
  let parent: string;
  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'ledger-dir-'));
  });
  afterEach(() => rm(parent, { recursive: true, force: true }));

  it('creates its root directory on the first write and lists nothing before', async () => {
    const store = new DirectoryLedgerStore(join(parent, 'ledger'));

    expect(await store.list('')).toEqual([]);
    await store.put('snapshots/a.json', bytes('{}'), OPTIONS);

    expect(await readdir(join(parent, 'ledger', 'snapshots'))).toEqual(['a.json']);
  });

  it('lets exactly one of several concurrent writers of different bytes win, leaving no temporary files', async () => {
    const store = new DirectoryLedgerStore(parent);

    const outcomes = await Promise.allSettled(
      ['1', '2', '3', '4'].map((n) => store.put('race/key.json', bytes(n), OPTIONS)),
    );

    const winners = outcomes.filter((o) => o.status === 'fulfilled');
    expect(winners).toEqual([{ status: 'fulfilled', value: 'created' }]);
    expect(outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof ObjectExistsError)).toHaveLength(3);
    expect(await readdir(join(parent, 'race'))).toEqual(['key.json']);
  });

  it('does not list temporary files a crashed writer left behind', async () => {
    const store = new DirectoryLedgerStore(parent);
    await store.put('reports/r.json', bytes('{}'), OPTIONS);
    await writeFile(join(parent, 'reports', '.tmp-0123456789abcdef'), 'half');

    expect(await store.list('')).toEqual([{ key: 'reports/r.json', size: 2 }]);
  });
});
