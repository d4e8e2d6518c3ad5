import { gzipSync } from 'node:zlib';
import { DateTime } from 'luxon';
import { CorruptObjectError, encodeJson, readJson } from '../../src/ledger/objects.js';
import { listSnapshots, readSnapshot, readSnapshots, writeSnapshot } from '../../src/ledger/snapshots.js';
import { makeSnapshot } from '../support/snapshotFixture.js';
import { STORE_KINDS, type StoreUnderTest, startSharedS3rver, stopSharedS3rver } from './storeFixtures.js';

beforeAll(startSharedS3rver);
afterAll(stopSharedS3rver);

const KEY = 'snapshots/cluster=prod-east/date=2026-11-25/2026-11-25T09-00-00.000Z.json.gz';
const prodEast = () => makeSnapshot({ meta: { cluster: 'prod-east', collectionStart: '2026-11-25T09:00:00.000Z' } });

describe.each(STORE_KINDS)('snapshots in a $name', (kind) => {
  let subject: StoreUnderTest;
  beforeEach(async () => {
    subject = await kind.create();
  });
  afterEach(() => subject.dispose());

  it('writes a snapshot as gzip JSON at its key and reads back an equal snapshot', async () => {
    const snapshot = prodEast();

    const written = await writeSnapshot(subject.store, snapshot);

    expect(written.key).toBe(KEY);
    const stored = await subject.store.get(KEY);
    expect(written.size).toBe(stored.byteLength);
    expect([stored[0], stored[1]]).toEqual([0x1f, 0x8b]);
    expect(await readSnapshot(subject.store, KEY)).toEqual(snapshot);
  });

  it('treats re-writing the identical snapshot as a no-op with the same hash', async () => {
    const first = await writeSnapshot(subject.store, prodEast());

    expect(await writeSnapshot(subject.store, prodEast())).toEqual(first);
  });

  it('refuses to write an invalid snapshot', async () => {
    const invalid = makeSnapshot({ meta: { collectionStart: 'yesterday' } });

    await expect(writeSnapshot(subject.store, invalid)).rejects.toThrow(/collectionStart/);
    expect(await subject.store.list('')).toEqual([]);
  });

  it.each([
    ['truncated gzip', () => encodeJson(prodEast(), { gzip: true }).slice(0, 100), /^truncated gzip data/],
    ['not gzip', () => encodeJson(prodEast()), /^not gzip data \(no gzip header\)$/],
    ['not JSON', () => new Uint8Array(gzipSync('{"schemaVersion": 1, ')), /^not JSON: /],
    [
      'wrong schema',
      () => encodeJson({ ...prodEast(), schemaVersion: 2 }, { gzip: true }),
      /^not a schema v1 snapshot \(schemaVersion: /,
    ],
    [
      'another snapshot than its key names',
      () =>
        encodeJson(makeSnapshot({ meta: { cluster: 'prod-west', collectionStart: '2026-11-25T09:00:00.000Z' } }), {
          gzip: true,
        }),
      /^holds the snapshot of prod-west at 2026-11-25T09:00:00.000Z, not the one its key names$/,
    ],
  ])('reports a %s object as CorruptObjectError naming the key', async (_what, bytes, reason) => {
    await subject.overwrite(KEY, bytes());

    const error = await readSnapshot(subject.store, KEY).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CorruptObjectError);
    expect((error as CorruptObjectError).key).toBe(KEY);
    expect((error as CorruptObjectError).reason).toMatch(reason);
    expect((error as CorruptObjectError).message).toContain(`corrupt object ${KEY}: `);
  });

  it('reads plain JSON documents with readJson', async () => {
    await subject.store.put('index/trend/period=2026-W48/x.json', encodeJson({ score: 97 }), {
      contentType: 'application/json',
    });

    expect(await readJson(subject.store, 'index/trend/period=2026-W48/x.json')).toEqual({ score: 97 });
  });

  it('lists snapshots by cluster and collection time from keys alone', async () => {
    const times = [
      '2026-11-22T23:59:59.999Z',
      '2026-11-23T00:00:00.000Z',
      '2026-11-29T12:00:00.000Z',
      '2026-11-30T00:00:00.000Z',
    ];
    for (const cluster of ['prod-east', 'lab']) {
      for (const collectionStart of times) {
        await writeSnapshot(subject.store, makeSnapshot({ meta: { cluster, collectionStart } }));
      }
    }
    await subject.overwrite('snapshots/cluster=lab/notes.txt', new TextEncoder().encode('not a snapshot'));

    const refs = await listSnapshots(subject.store, {
      cluster: 'prod-east',
      from: DateTime.fromISO('2026-11-23T00:00:00Z'),
      to: DateTime.fromISO('2026-11-30T00:00:00Z'),
    });

    expect(refs.map(({ cluster, collectedAt }) => ({ cluster, collectedAt }))).toEqual([
      { cluster: 'prod-east', collectedAt: '2026-11-23T00:00:00.000Z' },
      { cluster: 'prod-east', collectedAt: '2026-11-29T12:00:00.000Z' },
    ]);
    expect(refs[0]!.key).toBe('snapshots/cluster=prod-east/date=2026-11-23/2026-11-23T00-00-00.000Z.json.gz');
    expect(refs[0]!.size).toBe((await subject.store.head(refs[0]!.key))!.size);
    expect((await listSnapshots(subject.store)).map((r) => r.cluster)).toEqual([
      'lab',
      'lab',
      'lab',
      'lab',
      'prod-east',
      'prod-east',
      'prod-east',
      'prod-east',
    ]);
  });

  it('reads many snapshots, recording unreadable ones as gaps and carrying on', async () => {
    for (const cluster of ['a', 'b', 'c']) {
      await writeSnapshot(
        subject.store,
        makeSnapshot({ meta: { cluster, collectionStart: '2026-11-25T09:00:00.000Z' } }),
      );
    }
    const refs = await listSnapshots(subject.store);
    await subject.overwrite(refs[1]!.key, new TextEncoder().encode('not gzip'));
    await subject.remove(refs[2]!.key);

    const { snapshots, gaps } = await readSnapshots(subject.store, refs);

    expect(snapshots.map(({ ref, snapshot }) => [ref.key, snapshot.meta.cluster])).toEqual([[refs[0]!.key, 'a']]);
    expect(gaps).toEqual([
      { key: refs[1]!.key, reason: 'not gzip data (no gzip header)' },
      { key: refs[2]!.key, reason: 'missing (deleted after it was listed)' },
    ]);
  });
});
