import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { OperationalError } from '../../src/core/errors.js';
import { findingId } from '../../src/evaluate/findingId.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { isLedgerRecordKey, snapshotKey } from '../../src/ledger/keys.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import type { LedgerStore, PutOptions, PutResult, StoredObjectInfo, StoreEntry } from '../../src/ledger/store.js';
import { generateReport, type ReportFleet } from '../../src/report/generateReport.js';
import { ReportDocument } from '../../src/report/schema.js';
import { readLatestTrendEntry, TrendIndexEntry } from '../../src/report/trendIndex.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { schemaProblems } from '../support/jsonSchema.js';
import { recordStoredSnapshots } from '../support/recordedSnapshots.js';
import { STORED_REPORT_FILES } from '../support/reportFiles.js';
import { namespacesNamed, quotaFor, snapshotAt } from './fixtures.js';

/** Records every read and write, to assert how much a report reads. */
class CountingStore implements LedgerStore {
  gets: string[] = [];
  lists: string[] = [];
  puts: { key: string; result: PutResult }[] = [];
  constructor(private readonly inner: LedgerStore) {}
  get location(): string {
    return this.inner.location;
  }
  async get(key: string): Promise<Uint8Array> {
    this.gets.push(key);
    return this.inner.get(key);
  }
  async put(key: string, body: Uint8Array, options: PutOptions): Promise<PutResult> {
    const result = await this.inner.put(key, body, options);
    this.puts.push({ key, result });
    return result;
  }
  head(key: string): Promise<StoredObjectInfo | null> {
    return this.inner.head(key);
  }
  async list(prefix: string): Promise<StoredObjectInfo[]> {
    this.lists.push(prefix);
    return this.inner.list(prefix);
  }
  inventory(): Promise<StoreEntry[]> {
    return this.inner.inventory();
  }
  reset(): void {
    this.gets = [];
    this.lists = [];
    this.puts = [];
  }
}

const fleet: ReportFleet = {
  clusters: [
    { name: 'a', labels: {} },
    { name: 'b', labels: {} },
    { name: 'c', labels: {} },
  ],
  rules: null,
};
const ns = namespacesNamed;

const W47_AT = '2026-11-18T08:00:00.000Z';
const W48_AT = '2026-11-25T08:00:00.000Z';
const W47_NOW = DateTime.fromISO('2026-11-18T09:00:00.000Z', { zone: 'utc' });
const W48_NOW = DateTime.fromISO('2026-11-25T09:00:00.000Z', { zone: 'utc' });

function week47(): Snapshot[] {
  return [snapshotAt('a', W47_AT, { namespaces: ns('ledger') }), snapshotAt('b', W47_AT, { namespaces: ns('api') })];
}
function week48(): Snapshot[] {
  return [
    snapshotAt('a', W48_AT, { namespaces: ns('ledger'), quotas: quotaFor('ledger') }),
    snapshotAt('b', W48_AT, { namespaces: ns('api', 'web') }),
  ];
}

describe('generateReport on a directory ledger', () => {
  let root: string;
  let out: string;
  let store: CountingStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'report-ledger-'));
    out = await mkdtemp(join(tmpdir(), 'report-out-'));
    store = new CountingStore(new DirectoryLedgerStore(root));
    for (const snapshot of [...week47(), ...week48()]) await writeSnapshot(store, snapshot);
    await recordStoredSnapshots(store);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  });

  it('writes every output to the store and --out, with a trend against the previous report', async () => {
    // Prepare
    await generateReport({ store, period: '2026-W47', now: W47_NOW, fleet });
    store.reset();

    // Act
    const result = await generateReport({ store, period: '2026-W48', now: W48_NOW, fleet, out });

    // Assess: the files.
    const folder = 'reports/2026-W48/2026-11-25T09-00-00.000Z/';
    expect(result.reportFolder).toBe(folder);
    expect(result.writtenKeys.filter((k) => k.startsWith(folder)).sort()).toEqual(
      STORED_REPORT_FILES.map((f) => folder + f),
    );
    expect(result.writtenKeys).toContain('index/trend/period=2026-W48/2026-11-25T09-00-00.000Z.json');
    expect(result.writtenKeys.filter((k) => k.startsWith('manifests/'))).toHaveLength(1);
    expect((await readdir(out)).sort()).toEqual(STORED_REPORT_FILES);
    const stored = JSON.parse(new TextDecoder().decode(await store.get(`${folder}report.json`)));
    expect(stored).toEqual(result.doc);
    expect(await readFile(join(out, 'report.json'), 'utf8')).toBe(
      new TextDecoder().decode(await store.get(`${folder}report.json`)),
    );
    expect(ReportDocument.safeParse(stored).success).toBe(true);
    expect(schemaProblems('report-v1.schema.json', stored)).toEqual([]);

    // Assess: the trend.
    const doc = result.doc;
    expect(result.previousSource).toBe('trend-index');
    expect(doc.previousPeriod).toBe('2026-W47');
    expect(doc.trend.resolved).toEqual([findingId('QUOTA-MISSING', ['a'], 'Namespace/ledger')]);
    expect([...doc.trend.new].sort()).toEqual(
      [
        findingId('QUOTA-MISSING', ['b'], 'Namespace/web'),
        findingId('LIMITRANGE-MISSING', ['b'], 'Namespace/web'),
        findingId('NETPOL-NO-DEFAULT-DENY', ['b'], 'Namespace/web'),
      ].sort(),
    );
    expect(doc.trend.changes).toEqual([
      {
        cluster: 'a',
        area: 'quotas',
        change: 'added',
        subject: 'ResourceQuota/ledger/compute',
        description: 'new quota: pods=10',
      },
    ]);
    expect(doc.trend.series.fleet.map((p) => p.period)).toEqual(['2026-W47', '2026-W48']);

    // Assess: a configured cluster without snapshots is missing and lowers coverage.
    expect(doc.clusters.map((c) => [c.name, c.status])).toEqual([
      ['a', 'ok'],
      ['b', 'ok'],
      ['c', 'missing'],
    ]);
    expect(doc.clusters.slice(0, 2).map((c) => c.coverage)).toEqual([1, 1]);
    // a: 26 checks, b: 28, all evaluated; c missing: 23 cluster rules not evaluated, SNAPSHOT-MISSING
    // failed (1 of 24). No CIDR-OVERLAP checks: unlabelled, the clusters show no connection.
    // Fleet: (26 + 28 + 1) / (26 + 28 + 24).
    expect(doc.fleet.coverage).toBe(55 / 78);

    // Assess: evidence hashes are those of the stored bytes.
    const evidenceKeys = doc.evidence.map((e) => e.key);
    expect(evidenceKeys).toEqual([snapshotKey('a', W48_AT), snapshotKey('b', W48_AT)]);
    for (const evidence of doc.evidence) {
      const bytes = await readFile(join(root, ...evidence.key.split('/')));
      expect(evidence.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(evidence.size).toBe(bytes.byteLength);
    }
  });

  it('reads one snapshot per cluster and at most one trend index entry per earlier period (12), never the whole history', async () => {
    await generateReport({ store, period: '2026-W47', now: W47_NOW, fleet });
    store.reset();

    await generateReport({ store, period: '2026-W48', now: W48_NOW, fleet });

    const snapshotReads = store.gets.filter((k) => k.startsWith('snapshots/'));
    expect(snapshotReads.sort()).toEqual([snapshotKey('a', W48_AT), snapshotKey('b', W48_AT)]);
    expect(store.gets.filter((k) => k.startsWith('index/trend/'))).toEqual([
      'index/trend/period=2026-W47/2026-11-18T09-00-00.000Z.json',
    ]);
    const trendLists = store.lists.filter((p) => p.startsWith('index/trend/'));
    expect(trendLists).toHaveLength(12);
    expect(trendLists.sort()[0]).toBe('index/trend/period=2026-W36/');
    expect(trendLists.sort()[11]).toBe('index/trend/period=2026-W47/');
  });

  it('cites only snapshots a run recorded: one planted in the ledger is a named gap, never evidence', async () => {
    // A valid, newer snapshot of b written behind the ledger's back: no run manifest records it.
    const planted = snapshotKey('b', '2026-11-25T08:30:00.000Z');
    await writeSnapshot(store, snapshotAt('b', '2026-11-25T08:30:00.000Z', { namespaces: ns('forged') }));

    const { doc } = await generateReport({ store, period: '2026-W48', now: W48_NOW, fleet });

    expect(doc.evidence.map((e) => e.key)).toEqual([snapshotKey('a', W48_AT), snapshotKey('b', W48_AT)]);
    expect(doc.clusters.find((c) => c.name === 'b')?.snapshotKey).toBe(snapshotKey('b', W48_AT));
    expect(doc.gaps).toEqual([
      { key: planted, error: `${planted}: recorded by no run manifest (not written by a snapshot run), ignored` },
    ]);
  });

  it('reads each run manifest once per report run, also to chain its own manifest', async () => {
    await generateReport({ store, period: '2026-W47', now: W47_NOW, fleet });
    store.reset();

    await generateReport({ store, period: '2026-W48', now: W48_NOW, fleet });

    // The snapshot run's manifest and the W47 report run's, each read once.
    const manifestReads = store.gets.filter((k) => k.startsWith('manifests/'));
    expect(manifestReads).toHaveLength(2);
    expect(new Set(manifestReads).size).toBe(2);
  });

  it('falls back to the previous period snapshots when no earlier report exists', async () => {
    const result = await generateReport({ store, period: '2026-W48', now: W48_NOW, fleet });

    expect(result.previousSource).toBe('snapshots');
    expect(result.doc.previousPeriod).toBe('2026-W47');
    expect(result.doc.trend.resolved).toEqual([findingId('QUOTA-MISSING', ['a'], 'Namespace/ledger')]);
    expect(result.doc.trend.series.fleet.map((p) => p.period)).toEqual(['2026-W48']);
  });

  it('records a corrupt snapshot as a gap and uses the cluster previous snapshot of the period', async () => {
    const corruptKey = snapshotKey('b', '2026-11-25T10:00:00.000Z');
    await store.put(corruptKey, new TextEncoder().encode('{"truncated'), { contentType: 'application/json' });
    await recordStoredSnapshots(store);

    const { doc } = await generateReport({
      store,
      period: '2026-W48',
      now: DateTime.fromISO('2026-11-25T11:00:00Z').toUTC(),
      fleet,
    });

    expect(doc.gaps).toEqual([{ key: corruptKey, error: expect.stringContaining('not gzip data') }]);
    expect(doc.clusters.find((c) => c.name === 'b')?.snapshotKey).toBe(snapshotKey('b', W48_AT));
  });

  it('never overwrites: a re-run at the same instant stores identical bytes, a later run a new folder', async () => {
    // Prepare
    const first = await generateReport({ store, period: '2026-W48', now: W48_NOW, fleet });
    const before = new Map<string, Uint8Array>();
    for (const key of first.writtenKeys) before.set(key, await store.get(key));
    store.reset();

    // Act
    const again = await generateReport({ store, period: '2026-W48', now: W48_NOW, fleet });
    const later = await generateReport({ store, period: '2026-W48', now: W48_NOW.plus({ hours: 1 }), fleet });

    // Assess
    const reportPuts = store.puts.filter((p) => p.key.startsWith('reports/2026-W48/2026-11-25T09-00-00.000Z/'));
    expect(reportPuts.map((p) => p.result)).toEqual(Array(STORED_REPORT_FILES.length).fill('unchanged'));
    // Each run writes its own records (opening, manifest); the report's files are the same bytes.
    expect(again.writtenKeys.filter((k) => !isLedgerRecordKey(k))).toEqual(
      first.writtenKeys.filter((k) => !isLedgerRecordKey(k)),
    );
    expect(later.reportFolder).toBe('reports/2026-W48/2026-11-25T10-00-00.000Z/');
    for (const [key, bytes] of before) expect(await store.get(key)).toEqual(bytes);
  });
});

describe('generateReport conflicts and the trend index', () => {
  let root: string;
  let store: DirectoryLedgerStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'report-ledger-'));
    store = new DirectoryLedgerStore(root);
    for (const snapshot of [...week47(), ...week48()]) await writeSnapshot(store, snapshot);
    await recordStoredSnapshots(store);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('refuses, overwriting nothing, to store a different report at an instant that already has one', async () => {
    // Prepare
    const first = await generateReport({ store, period: '2026-W48', now: W48_NOW });
    const json = await store.get(`${first.reportFolder}report.json`);
    await writeSnapshot(store, snapshotAt('d', '2026-11-25T08:30:00.000Z'));
    await recordStoredSnapshots(store);

    // Act
    const again = generateReport({ store, period: '2026-W48', now: W48_NOW });

    // Assess
    await expect(again).rejects.toThrow(OperationalError);
    await expect(again).rejects.toThrow(
      /^a report of 2026-W48 generated at 2026-11-25T09:00:00.000Z already exists with other content \(reports\/2026-W48\/2026-11-25T09-00-00.000Z\/report.json\); nothing was overwritten/,
    );
    expect(await store.get(`${first.reportFolder}report.json`)).toEqual(json);
  });

  it('skips a corrupt newest trend index entry of a period, records it as a gap and uses the one before', async () => {
    // Prepare: two W47 reports, then the newer entry is damaged behind the ledger's back.
    await generateReport({ store, period: '2026-W47', now: W47_NOW });
    const newer = await generateReport({ store, period: '2026-W47', now: W47_NOW.plus({ hours: 1 }) });
    const newerEntry = newer.writtenKeys.find((k) => k.startsWith('index/trend/'))!;
    await writeFile(join(root, ...newerEntry.split('/')), '{"format": "something else"}');

    // Act
    const readout = await readLatestTrendEntry(store, '2026-W47');
    const { doc } = await generateReport({ store, period: '2026-W48', now: W48_NOW });

    // Assess
    expect(readout.entry?.generatedAt).toBe('2026-11-18T09:00:00.000Z');
    expect(readout.gaps).toEqual([{ key: newerEntry, error: expect.stringMatching(/^not a trend index entry/) }]);
    expect(doc.previousPeriod).toBe('2026-W47');
    expect(doc.gaps.map((g) => g.key)).toEqual([newerEntry]);
  });

  it('ignores a trend index entry no run manifest records, even when it is the newest of the period', async () => {
    // Prepare: a real W47 report, then a forged newer W47 entry planted behind the ledger's back.
    const real = await generateReport({ store, period: '2026-W47', now: W47_NOW });
    const realKey = real.writtenKeys.find((k) => k.startsWith('index/trend/'))!;
    const forgedEntry = {
      ...JSON.parse(new TextDecoder().decode(await store.get(realKey))),
      generatedAt: '2026-11-22T23:00:00.000Z',
      fleet: { ...real.doc.fleet, compliance: 0.125 },
      findings: [],
    };
    const planted = 'index/trend/period=2026-W47/2026-11-22T23-00-00.000Z.json';
    // A well-formed entry: only the missing record can give it away.
    expect(TrendIndexEntry.safeParse(forgedEntry).success).toBe(true);
    await writeFile(join(root, ...planted.split('/')), JSON.stringify(forgedEntry));

    // Act
    const readout = await readLatestTrendEntry(store, '2026-W47');
    const { doc, previousSource } = await generateReport({ store, period: '2026-W48', now: W48_NOW });

    // Assess
    const ignored = { key: planted, error: 'recorded by no run manifest: not written by a report run, ignored' };
    expect(readout.entry?.generatedAt).toBe('2026-11-18T09:00:00.000Z');
    expect(readout.gaps).toEqual([ignored]);
    expect(previousSource).toBe('trend-index');
    expect(doc.trend.series.fleet.map((p) => [p.period, p.compliance])).toEqual([
      ['2026-W47', real.doc.fleet.compliance],
      ['2026-W48', doc.fleet.compliance],
    ]);
    expect(doc.gaps).toEqual([ignored]);
  });

  it('ignores a recorded trend index entry whose bytes no longer match its manifest', async () => {
    // Prepare: the only W47 entry is rewritten with a valid but different document.
    const real = await generateReport({ store, period: '2026-W47', now: W47_NOW });
    const realKey = real.writtenKeys.find((k) => k.startsWith('index/trend/'))!;
    const altered = {
      ...JSON.parse(new TextDecoder().decode(await store.get(realKey))),
      fleet: { ...real.doc.fleet, compliance: 0.125 },
    };
    expect(TrendIndexEntry.safeParse(altered).success).toBe(true);
    await writeFile(join(root, ...realKey.split('/')), JSON.stringify(altered));

    // Act
    const readout = await readLatestTrendEntry(store, '2026-W47');
    const { previousSource, doc } = await generateReport({ store, period: '2026-W48', now: W48_NOW });

    // Assess: the previous state is evaluated from the W47 snapshots instead.
    expect(readout.entry).toBeNull();
    expect(readout.gaps).toEqual([
      {
        key: realKey,
        error: expect.stringMatching(
          /^SHA-256 [0-9a-f]{64} differs from [0-9a-f]{64} recorded by manifests\/.*: altered, ignored$/,
        ),
      },
    ]);
    expect(previousSource).toBe('snapshots');
    expect(doc.previousPeriod).toBe('2026-W47');
    expect(doc.trend.series.fleet.map((p) => p.compliance)).not.toContain(0.125);
  });
});
