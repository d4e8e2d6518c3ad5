/**
 * What was not seen is never compliant, nor resolved (review issues 5 and 6): a cluster whose
 * snapshot is unreadable or absent stays in the report as missing, an unreachable cluster scores
 * 0, a mistyped store stops the report, and an expired waiver's glob never poses as a cluster.
 */
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { OperationalError } from '../../src/core/errors.js';
import { findingId } from '../../src/evaluate/findingId.js';
import type { Waiver } from '../../src/evaluate/types.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { snapshotKey } from '../../src/ledger/keys.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { EmptyPeriodError } from '../../src/report/emptyPeriod.js';
import { renderFindingsCsv } from '../../src/report/findingsCsv.js';
import { generateReport, type ReportFleet } from '../../src/report/generateReport.js';
import { buildPolicyReports } from '../../src/report/policyReport.js';
import { SECTION_NAMES, type SectionName, type SectionStatus } from '../../src/snapshot/schema.js';
import { recordStoredSnapshots } from '../support/recordedSnapshots.js';
import { snapshotAt } from './fixtures.js';

const W47_AT = '2026-11-18T08:00:00.000Z';
const W48_AT = '2026-11-25T08:00:00.000Z';
const W47_NOW = DateTime.fromISO('2026-11-18T09:00:00.000Z', { zone: 'utc' });
const W48_NOW = DateTime.fromISO('2026-11-25T09:00:00.000Z', { zone: 'utc' });
const ns = (...names: string[]) => names.map((name) => ({ name, labels: {}, phase: 'Active' }));
const fleetOf = (...names: string[]): ReportFleet => ({
  clusters: names.map((name) => ({ name, labels: {} })),
  rules: null,
});
// cluster a's namespace without quota, limits or default-deny: findings that could be resolved.
const A_QUOTA_FINDING = findingId('QUOTA-MISSING', ['a'], 'Namespace/ledger');

describe('a cluster without a readable snapshot in the period', () => {
  let root: string;
  let store: DirectoryLedgerStore;
  const corruptKey = snapshotKey('a', W48_AT);

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'unseen-ledger-'));
    store = new DirectoryLedgerStore(root);
    await writeSnapshot(store, snapshotAt('a', W47_AT, { namespaces: ns('ledger') }));
    await writeSnapshot(store, snapshotAt('b', W47_AT, { namespaces: ns('api') }));
    await writeSnapshot(store, snapshotAt('b', W48_AT, { namespaces: ns('api') }));
    await recordStoredSnapshots(store);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('is missing when its only snapshot is corrupt: named in the reason, lowering coverage, its findings neither resolved nor persisting', async () => {
    // Prepare
    const w47 = await generateReport({ store, period: '2026-W47', now: W47_NOW });
    expect(w47.doc.findings.map((f) => f.id)).toContain(A_QUOTA_FINDING);
    await store.put(corruptKey, new TextEncoder().encode('not gzip'), { contentType: 'application/json' });
    await recordStoredSnapshots(store);

    // Act
    const { doc } = await generateReport({ store, period: '2026-W48', now: W48_NOW });

    // Assess
    expect(doc.fleet.clusters).toEqual({ total: 2, ok: 1, partial: 0, unreachable: 0, missing: 1 });
    const a = doc.clusters.find((c) => c.name === 'a');
    expect(a).toMatchObject({
      status: 'missing',
      statusReason: `no readable snapshot in 2026-W48 (unreadable: ${corruptKey})`,
      compliance: null,
      coverage: 0,
      snapshotKey: null,
    });
    expect(doc.clusters.find((c) => c.name === 'b')?.coverage).toBe(1);
    // b: 24 checks, all evaluated (no fleet file: no SNAPSHOT-MISSING check for a cluster seen; no
    // CIDR-OVERLAP check, a and b are not connected); a missing: 1 evaluated (SNAPSHOT-MISSING) of 24.
    // Fleet: (24 + 1) / (24 + 24).
    expect(doc.fleet.coverage).toBe(25 / 48);
    const aFindingsBefore = w47.doc.findings.filter((f) => f.cluster === 'a').map((f) => f.id);
    expect(aFindingsBefore.length).toBeGreaterThan(0);
    expect(doc.trend.resolved).toEqual([]);
    for (const id of aFindingsBefore) expect(doc.trend.persisting).not.toContain(id);
    expect(doc.trend.changes.filter((c) => c.cluster === 'a')).toEqual([]);
    expect(doc.findings.filter((f) => f.rule === 'SNAPSHOT-MISSING').map((f) => [f.cluster, f.message])).toEqual([
      ['a', `a has no readable snapshot in the period (unreadable: ${corruptKey})`],
    ]);
  });

  it('is missing when it had a snapshot the period before and has none now', async () => {
    await generateReport({ store, period: '2026-W47', now: W47_NOW });

    const { doc } = await generateReport({ store, period: '2026-W48', now: W48_NOW });

    expect(doc.clusters.map((c) => [c.name, c.status, c.statusReason])).toEqual([
      ['a', 'missing', 'no snapshot in 2026-W48'],
      ['b', 'ok', null],
    ]);
    expect(doc.trend.resolved).toEqual([]);
  });

  it('names the unreadable key when it is configured in the fleet file', async () => {
    await store.put(corruptKey, new TextEncoder().encode('not gzip'), { contentType: 'application/json' });
    await recordStoredSnapshots(store);

    const { doc } = await generateReport({ store, period: '2026-W48', now: W48_NOW, fleet: fleetOf('a', 'b') });

    expect(doc.clusters.find((c) => c.name === 'a')?.statusReason).toBe(
      `no readable snapshot in 2026-W48 (unreadable: ${corruptKey})`,
    );
    expect(doc.findings.find((f) => f.rule === 'SNAPSHOT-MISSING')?.message).toBe(
      `a is in the fleet but has no readable snapshot in the period (unreadable: ${corruptKey})`,
    );
  });

  it('is reported as removed, its findings resolved, only when the configured fleet leaves it out', async () => {
    await generateReport({ store, period: '2026-W47', now: W47_NOW, fleet: fleetOf('a', 'b') });
    await store.put(corruptKey, new TextEncoder().encode('not gzip'), { contentType: 'application/json' });
    await recordStoredSnapshots(store);

    const { doc } = await generateReport({ store, period: '2026-W48', now: W48_NOW, fleet: fleetOf('b') });

    expect(doc.clusters.map((c) => c.name)).toEqual(['b']);
    expect(doc.trend.resolved).toContain(A_QUOTA_FINDING);
    expect(doc.trend.changes.filter((c) => c.cluster === 'a').map((c) => c.description)).toEqual([
      'cluster no longer in the fleet',
    ]);
  });

  it('a store with snapshots but none in the period is no report; allowed, it lists every expected cluster missing with null scores', async () => {
    await generateReport({ store, period: '2026-W48', now: W48_NOW });
    const w49 = { store, period: '2026-W49', now: DateTime.fromISO('2026-12-02T09:00:00.000Z', { zone: 'utc' }) };

    await expect(generateReport(w49)).rejects.toBeInstanceOf(EmptyPeriodError);
    const { doc } = await generateReport({ ...w49, allowEmpty: true });

    // The expected clusters are those of the previous report (no fleet file).
    expect(doc.clusters.map((c) => [c.name, c.status, c.compliance, c.coverage])).toEqual([
      ['a', 'missing', null, null],
      ['b', 'missing', null, null],
    ]);
    expect(doc.noData).toBe(true);
    expect(doc.fleet).toMatchObject({ compliance: null, coverage: null, open: { high: 0 } });
    expect(doc.findings).toEqual([]);
  });
});

describe('a store without any snapshot', () => {
  it('stops the report with an OperationalError before writing anything', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'unseen-nostore-'));
    const location = join(parent, 'mistyped');
    try {
      const attempt = generateReport({ store: new DirectoryLedgerStore(location), period: '2026-W48', now: W48_NOW });
      await expect(attempt).rejects.toThrow(OperationalError);
      await expect(attempt).rejects.toThrow(`no snapshots in ${location}: is --store right?`);
      await expect(access(location)).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});

describe('an unreachable cluster', () => {
  it('scores 0% compliance in the report, SNAPSHOT-MISSING included among its unevaluated checks', async () => {
    const root = await mkdtemp(join(tmpdir(), 'unseen-dead-'));
    try {
      const store = new DirectoryLedgerStore(root);
      await writeSnapshot(store, snapshotAt('live', W48_AT, { namespaces: ns('api') }));
      const dead = snapshotAt('dead', W48_AT, {
        meta: {
          status: 'unreachable',
          unreachableReason: 'connect ECONNREFUSED 10.0.0.9:6443',
          kubernetesVersion: null,
          sections: Object.fromEntries(
            SECTION_NAMES.map((name) => [name, { state: 'unreachable' as const }]),
          ) as Record<SectionName, SectionStatus>,
        },
      });
      await writeSnapshot(store, dead);
      await recordStoredSnapshots(store);

      const { doc } = await generateReport({ store, period: '2026-W48', now: W48_NOW, fleet: fleetOf('dead', 'live') });

      const cluster = doc.clusters.find((c) => c.name === 'dead');
      expect(cluster?.status).toBe('unreachable');
      expect(cluster?.compliance).toBe(0);
      expect(doc.findings.filter((f) => f.cluster === 'dead').map((f) => f.rule)).toEqual(['CLUSTER-UNREACHABLE']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('an expired waiver with a cluster glob', () => {
  const expired = (cluster: string): Waiver => ({
    rule: 'QUOTA-MISSING',
    cluster,
    reason: 'batch namespaces',
    owner: 'team-ledger',
    expires: '2026-11-01',
  });

  it('is a fleet-level finding naming the clusters the glob matches, shown by cluster in the CSV and policy reports', async () => {
    const root = await mkdtemp(join(tmpdir(), 'unseen-waiver-'));
    try {
      const store = new DirectoryLedgerStore(root);
      for (const name of ['cluster-a', 'cluster-b', 'other']) {
        await writeSnapshot(store, snapshotAt(name, W48_AT, { namespaces: ns('api') }));
      }
      await recordStoredSnapshots(store);

      const { doc } = await generateReport({
        store,
        period: '2026-W48',
        now: W48_NOW,
        waivers: [expired('cluster-*'), expired('prod-*')],
      });

      const findings = doc.findings.filter((f) => f.rule === 'WAIVER-EXPIRED');
      expect(findings.map((f) => [f.cluster, f.clusters, f.id])).toEqual([
        [undefined, [], findingId('WAIVER-EXPIRED', ['prod-*'], 'Waiver/QUOTA-MISSING/*')],
        [undefined, ['cluster-a', 'cluster-b'], findingId('WAIVER-EXPIRED', ['cluster-*'], 'Waiver/QUOTA-MISSING/*')],
      ]);
      expect(findings[1]?.message).toBe(
        'the waiver of QUOTA-MISSING for cluster-* owned by team-ledger expired on 2026-11-01: the findings it covered are open again',
      );

      const csvRows = renderFindingsCsv(doc)
        .split('\r\n')
        .filter((row) => row.includes('WAIVER-EXPIRED'))
        .map((row) => row.split(',')[4]);
      expect(csvRows).toEqual(['', 'cluster-a;cluster-b']);

      const reports = buildPolicyReports(doc);
      const expiredIn = (name: string) =>
        reports
          .find((r) => r.metadata.name === name)
          ?.results.filter((r) => r.policy === 'WAIVER-EXPIRED')
          .map((r) => r.message.split(' for ')[1]?.split(' ')[0]);
      expect(reports.map((r) => [r.metadata.name, r.metadata.annotations['fleetledger.dev/cluster'] ?? null])).toEqual([
        ['fleetledger-cluster-a', 'cluster-a'],
        ['fleetledger-cluster-b', 'cluster-b'],
        ['fleetledger-other', 'other'],
        ['fleetledger.fleet', null],
      ]);
      expect(expiredIn('fleetledger-cluster-a')).toEqual(['cluster-*']);
      expect(expiredIn('fleetledger-cluster-b')).toEqual(['cluster-*']);
      expect(expiredIn('fleetledger-other')).toEqual([]);
      expect(expiredIn('fleetledger.fleet')).toEqual(['prod-*']);
      expect(reports.at(-1)?.metadata.annotations['fleetledger.dev/scope']).toBe('fleet');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
