/**
 * Trends are honest about periods without data: the chart puts every ISO week at its place and
 * leaves a gap where a week had no data (never a line drawn through it), and deltas compare with
 * the latest earlier period that had data, named as previousPeriod, never with a no-data report,
 * a legacy no-data trend entry or a week without a report.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { recordRun } from '../../src/ledger/manifest.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { ratioDelta } from '../../src/report/buildReport.js';
import { generateReport, type ReportFleet } from '../../src/report/generateReport.js';
import { buildLineChart } from '../../src/report/html/lineChart.js';
import type { SeriesPoint } from '../../src/report/schema.js';
import { writeTrendEntry } from '../../src/report/trendIndex.js';
import { recordStoredSnapshots } from '../support/recordedSnapshots.js';
import { namespacesNamed, quotaFor, snapshotAt } from './fixtures.js';

const zero = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
const point = (period: string, compliance: number | null, coverage: number | null): SeriesPoint => ({
  period,
  compliance,
  coverage,
  open: zero,
});

/** The x coordinates of each path, in order ("M44,62L89,37" -> [44, 89]). */
const xsOf = (path: string) => [...path.matchAll(/[ML](-?[\d.]+),/g)].map((match) => Number(match[1]));

describe('the trend chart on a time axis', () => {
  // plot from x 44 to 224 (180 wide), y 12 to 112 (100 high)
  const size = { width: 240, height: 142 };

  it('places each ISO week at its place and leaves a gap for a missing week and a week without data', () => {
    // Prepare: W45 has no point at all, W46 a point without data.
    const series = [
      point('2026-W44', 0.5, 0.5),
      point('2026-W46', null, null),
      point('2026-W47', 0.75, 1),
      point('2026-W48', 1, 1),
    ];

    // Act
    const chart = buildLineChart(series, size);

    // Assess: five weeks, 45 apart.
    expect(chart.periods).toBe(5);
    expect(chart.xLabels).toEqual([
      { x: 44, label: 'W44' },
      { x: 89, label: 'W45' },
      { x: 134, label: 'W46' },
      { x: 179, label: 'W47' },
      { x: 224, label: 'W48' },
    ]);
    expect(chart.lines.map((line) => [line.name, line.paths])).toEqual([
      ['compliance', ['M44,62', 'M179,37L224,12']],
      ['coverage', ['M44,62', 'M179,12L224,12']],
    ]);
    expect(chart.gaps).toEqual([
      { x: 89, period: '2026-W45', title: '2026-W45: no data' },
      { x: 134, period: '2026-W46', title: '2026-W46: no data' },
    ]);
    // No path segment crosses a gap: every segment joins two neighbouring weeks.
    for (const line of chart.lines) {
      for (const path of line.paths) {
        const xs = xsOf(path);
        for (let i = 1; i < xs.length; i++) {
          expect(xs[i]! - xs[i - 1]!).toBe(45);
          expect(chart.gaps.some((gap) => gap.x > xs[i - 1]! && gap.x < xs[i]!)).toBe(false);
        }
      }
    }
  });

  it('counts weeks across a year with 53 ISO weeks', () => {
    const chart = buildLineChart([point('2026-W52', 0.5, 1), point('2027-W01', 0.5, 1)], size);
    expect(chart.xLabels.map((label) => label.label)).toEqual(['W52', 'W53', 'W01']);
    expect(chart.gaps.map((gap) => gap.period)).toEqual(['2026-W53']);
    expect(chart.lines[0]!.paths).toEqual(['M44,62', 'M224,62']);
  });

  it('labels every n-th week, counted back from the last, when the labels would not fit', () => {
    const series = Array.from({ length: 12 }, (_, i) => point(`2026-W${37 + i}`, 0.5, 1));
    // plot width 260 / 11 intervals = 23.6 px per week: 30 px need every second week.
    const chart = buildLineChart(series, { width: 320, height: 160, minLabelSpacing: 30 });
    expect(chart.xLabels.map((label) => label.label)).toEqual(['W38', 'W40', 'W42', 'W44', 'W46', 'W48']);
    expect(chart.lines[0]!.points).toHaveLength(12);
  });
});

describe('deltas and the series around a period without data', () => {
  let root: string;
  let store: DirectoryLedgerStore;
  const fleet: ReportFleet = {
    clusters: [
      { name: 'a', labels: {} },
      { name: 'b', labels: {} },
    ],
    rules: null,
  };
  const ns = namespacesNamed;
  const at = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'trend-gaps-'));
    store = new DirectoryLedgerStore(root);
    // W46: a and b; W47: nothing; W48: a (b missing); W49: a and b.
    await writeSnapshot(store, snapshotAt('a', '2026-11-10T08:00:00.000Z', { namespaces: ns('ledger') }));
    await writeSnapshot(store, snapshotAt('b', '2026-11-10T08:00:00.000Z', { namespaces: ns('api') }));
    await writeSnapshot(
      store,
      snapshotAt('a', '2026-11-24T08:00:00.000Z', { namespaces: ns('ledger'), quotas: quotaFor('ledger') }),
    );
    await writeSnapshot(store, snapshotAt('a', '2026-12-01T08:00:00.000Z', { namespaces: ns('ledger') }));
    await writeSnapshot(store, snapshotAt('b', '2026-12-01T08:00:00.000Z', { namespaces: ns('api') }));
    await recordStoredSnapshots(store);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('compares with the latest period with data, skipping a no-data report, and names it', async () => {
    // Prepare
    const w46 = await generateReport({ store, fleet, period: '2026-W46', now: at('2026-11-16T06:00:00Z') });
    const w47 = await generateReport({
      store,
      fleet,
      period: '2026-W47',
      now: at('2026-11-23T06:00:00Z'),
      allowEmpty: true,
    });

    // Act
    const { doc } = await generateReport({ store, fleet, period: '2026-W48', now: at('2026-11-30T06:00:00Z') });

    // Assess
    expect(w47.doc.noData).toBe(true);
    expect(doc.previousPeriod).toBe('2026-W46');
    expect(doc.fleet.delta.compliance).toBe(ratioDelta(doc.fleet.compliance, w46.doc.fleet.compliance));
    expect(doc.fleet.delta.compliance).not.toBeNull();
    expect(doc.trend.series.fleet.map((p) => [p.period, p.compliance === null])).toEqual([
      ['2026-W46', false],
      ['2026-W48', false],
    ]);
    // On the chart W47 is a gap between them.
    const chart = buildLineChart(doc.trend.series.fleet);
    expect(chart.gaps.map((gap) => gap.period)).toEqual(['2026-W47']);
    expect(chart.lines[0]!.paths).toHaveLength(2);
  });

  it('gives a cluster no delta against a period in which it was missing, and a gap in its series', async () => {
    // Prepare: b is missing in W48.
    await generateReport({ store, fleet, period: '2026-W48', now: at('2026-11-30T06:00:00Z') });

    // Act
    const { doc } = await generateReport({ store, fleet, period: '2026-W49', now: at('2026-12-07T06:00:00Z') });

    // Assess
    expect(doc.previousPeriod).toBe('2026-W48');
    const b = doc.clusters.find((cluster) => cluster.name === 'b')!;
    expect(b.delta).toEqual({ compliance: null, coverage: null });
    expect(doc.clusters.find((cluster) => cluster.name === 'a')!.delta.compliance).not.toBeNull();
    expect(doc.trend.series.clusters['b']!.map((p) => [p.period, p.compliance, p.coverage])).toEqual([
      ['2026-W48', null, null],
      ['2026-W49', b.compliance, b.coverage],
    ]);
  });

  it('never compares with a trend entry an earlier version wrote for a period without data', async () => {
    // Prepare: W46's report, then W47's entry as earlier versions stored it: every cluster missing, coverage 0.
    const w46 = await generateReport({ store, fleet, period: '2026-W46', now: at('2026-11-16T06:00:00Z') });
    const missing = { status: 'missing', compliance: null, coverage: 0, open: zero, facts: null, notCollected: [] };
    const legacy = await writeTrendEntry(store, {
      format: 'fleetledger-trend-index',
      formatVersion: 1,
      period: '2026-W47',
      periodStart: '2026-11-16T00:00:00.000Z',
      periodEnd: '2026-11-23T00:00:00.000Z',
      timeZone: 'UTC',
      generatedAt: '2026-11-23T06:00:00.000Z',
      asOf: '2026-11-23T00:00:00.000Z',
      fleet: { compliance: null, coverage: 0, open: zero, waived: zero },
      clusters: { a: { ...missing, status: 'missing' }, b: { ...missing, status: 'missing' } },
      findings: [],
    });
    await recordRun(store, { runAt: at('2026-11-23T06:00:00Z'), written: [legacy], kind: 'report' });

    // Act
    const { doc } = await generateReport({ store, fleet, period: '2026-W48', now: at('2026-11-30T06:00:00Z') });

    // Assess
    expect(doc.previousPeriod).toBe('2026-W46');
    expect(doc.fleet.delta.coverage).toBe(ratioDelta(doc.fleet.coverage, w46.doc.fleet.coverage));
    expect(doc.trend.series.fleet.map((p) => [p.period, p.compliance === null && p.coverage === null])).toEqual([
      ['2026-W46', false],
      ['2026-W47', true],
      ['2026-W48', false],
    ]);
  });
});
