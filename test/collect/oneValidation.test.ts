/**
 * A collected snapshot is checked against the schema once: the collector's check (which quarantines
 * invalid sections) and the ledger's write share it, while a snapshot from anywhere else is still
 * checked when it is written.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { quarantineInvalidSections } from '../../src/collect/invalidSections.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { readSnapshot, writeSnapshot } from '../../src/ledger/snapshots.js';
import { Snapshot } from '../../src/snapshot/schema.js';
import { makeSnapshot } from '../support/snapshotFixture.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'one-validation-'));
});
afterEach(async () => {
  jest.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('the schema check of a snapshot', () => {
  it('runs once for a collected snapshot that is then stored', async () => {
    const store = new DirectoryLedgerStore(dir);
    const parse = jest.spyOn(Snapshot, 'parse');
    const safeParse = jest.spyOn(Snapshot, 'safeParse');
    const collected = makeSnapshot({ meta: { cluster: 'lab', collectionStart: '2026-11-25T06:00:00.000Z' } });

    const written = await writeSnapshot(store, quarantineInvalidSections(collected));

    expect(parse.mock.calls.length + safeParse.mock.calls.length).toBe(1);
    expect(await readSnapshot(store, written.key)).toEqual(Snapshot.parse(collected));
  });

  it('still checks a snapshot that did not come from the collector', async () => {
    const store = new DirectoryLedgerStore(dir);
    const broken = makeSnapshot({ meta: { cluster: 'lab', collectionStart: '2026-11-25T06:00:00.000Z' } });
    (broken.meta as { cluster: unknown }).cluster = 42;

    await expect(writeSnapshot(store, broken)).rejects.toThrow(/cluster/);
    expect(await store.list('')).toEqual([]);
  });
});
