import {
  buildCertificateTimeline,
  certificatesByExpiry,
  TIMELINE_MAX_ROWS,
} from '../../src/report/html/certificateTimeline.js';
import { formatDeltaPoints, formatPercent, trendDirection } from '../../src/report/html/format.js';
import { buildLineChart } from '../../src/report/html/lineChart.js';
import { buildNetworkMap, overlappingRanges } from '../../src/report/html/networkMap.js';
import { buildSeverityBars } from '../../src/report/html/severityBars.js';
import type { ReportCluster, ReportFinding, SeriesPoint } from '../../src/report/schema.js';
import { makeReportDocument } from '../support/reportFixture.js';

const counts = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
const point = (period: string, compliance: number | null, coverage: number | null): SeriesPoint => ({
  period,
  compliance,
  coverage,
  open: counts,
});

describe('formatting', () => {
  it('shows ratios as percentages with one decimal and null as n/a', () => {
    expect(formatPercent(0.7241)).toBe('72.4%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(null)).toBe('n/a');
  });

  it('shows deltas in signed percentage points and knows their direction', () => {
    expect(formatDeltaPoints(0.031)).toBe('+3.1 pts');
    expect(formatDeltaPoints(-0.02)).toBe('-2.0 pts');
    expect(formatDeltaPoints(0.0001)).toBe('±0.0 pts');
    expect(formatDeltaPoints(null)).toBeNull();
    expect([trendDirection(0.031), trendDirection(-0.02), trendDirection(0.0001), trendDirection(null)]).toEqual([
      'up',
      'down',
      'flat',
      'unknown',
    ]);
  });
});

describe('buildLineChart', () => {
  it('spaces periods evenly and maps 0..100% onto the plot height', () => {
    const chart = buildLineChart([point('2026-W46', 0, 0.5), point('2026-W47', 0.5, 0.75), point('2026-W48', 1, 1)], {
      width: 240,
      height: 142,
    });
    // plot: left 44, right 224, top 12, bottom 112 (height 100)
    expect(chart.plot).toEqual({ left: 44, top: 12, right: 224, bottom: 112 });
    expect(chart.lines[0]).toEqual({
      name: 'compliance',
      paths: ['M44,112L134,62L224,12'],
      points: [
        { x: 44, y: 112, title: '2026-W46: compliance 0.0%' },
        { x: 134, y: 62, title: '2026-W47: compliance 50.0%' },
        { x: 224, y: 12, title: '2026-W48: compliance 100.0%' },
      ],
    });
    expect(chart.xLabels.map((label) => label.label)).toEqual(['W46', 'W47', 'W48']);
    expect(chart.gridlines.map((line) => [line.y, line.label])).toEqual([
      [112, '0%'],
      [87, '25%'],
      [62, '50%'],
      [37, '75%'],
      [12, '100%'],
    ]);
  });

  it('breaks the line at a period without data instead of drawing through it', () => {
    const chart = buildLineChart(
      [point('A', 0.5, 0.5), point('B', null, null), point('C', 0.5, 0.5), point('D', 1, 1)],
      {
        width: 240,
        height: 142,
      },
    );
    expect(chart.lines[1]!.paths).toEqual(['M44,62', 'M164,62L224,12']);
    expect(chart.empty).toBe(false);
  });

  it('centres a single period and reports an empty series as empty', () => {
    expect(buildLineChart([point('A', 0.5, 1)], { width: 240, height: 142 }).lines[0]!.points[0]!.x).toBe(134);
    expect(buildLineChart([]).empty).toBe(true);
  });
});

describe('buildSeverityBars', () => {
  it('scales bars to the largest count, critical first, and keeps small non-zero counts visible', () => {
    const bars = buildSeverityBars({ critical: 1, high: 200, medium: 0, low: 100, info: 0 }, 360);
    // track = 360 - 72 - 44 = 244
    expect(bars.bars.map((bar) => [bar.severity, bar.count, bar.width])).toEqual([
      ['critical', 1, 2],
      ['high', 200, 244],
      ['medium', 0, 0],
      ['low', 100, 122],
      ['info', 0, 0],
    ]);
    expect(bars.trackWidth).toBe(244);
  });

  it('draws no bar at all when nothing is open', () => {
    expect(buildSeverityBars(counts).bars.every((bar) => bar.width === 0)).toBe(true);
  });
});

describe('network map', () => {
  const cluster = (name: string, podCIDRs: string[], serviceCIDRs: string[]): ReportCluster => {
    const base = makeReportDocument().clusters[0]!;
    return { ...base, name, facts: { ...base.facts!, podCIDRs, serviceCIDRs, ipPools: [] } };
  };
  const overlap = (evidence: Record<string, unknown>, clusters = ['a', 'b']): ReportFinding => ({
    ...makeReportDocument().findings[0]!,
    clusters,
    evidence,
  });

  it('takes overlapping ranges exactly from the evidence of CIDR-OVERLAP findings', () => {
    const pairs = overlappingRanges([
      overlap({
        ranges: [
          { cluster: 'a', resource: 'PodCIDR/10.0.0.0/8', cidr: '10.0.0.0/8' },
          { cluster: 'b', resource: 'PodCIDR/10.244.0.0/16', cidr: '10.244.0.0/16' },
        ],
      }),
    ]);
    expect([...pairs].sort()).toEqual(['["a","10.0.0.0/8"]', '["b","10.244.0.0/16"]']);
  });

  it('falls back to every CIDR the finding mentions when the evidence has no ranges', () => {
    const finding = { ...overlap({}), message: 'pod range 10.1.0.0/16 overlaps (common 10.1.0.0/16)' };
    expect([...overlappingRanges([finding])].sort()).toEqual(['["a","10.1.0.0/16"]', '["b","10.1.0.0/16"]']);
  });

  it('puts colliding ranges of two clusters in one region at the same x, and far-apart ranges in separate regions', () => {
    const map = buildNetworkMap(
      [cluster('a', ['10.244.0.0/16'], ['10.96.0.0/12']), cluster('b', ['10.244.0.0/16'], ['192.168.0.0/24'])],
      [
        overlap({
          ranges: [
            { cluster: 'a', cidr: '10.244.0.0/16' },
            { cluster: 'b', cidr: '10.244.0.0/16' },
          ],
        }),
      ],
      880,
    );
    expect(map.regions.map((region) => region.label)).toEqual([
      '10.96.0.0 – 10.111.255.255',
      '10.244.0.0 – 10.244.255.255',
      '192.168.0.0 – 192.168.0.255',
    ]);
    const bar = (clusterName: string, cidr: string) =>
      map.bars.find((candidate) => candidate.cluster === clusterName && candidate.cidr === cidr)!;
    expect(bar('a', '10.244.0.0/16').x).toBe(bar('b', '10.244.0.0/16').x);
    expect(bar('a', '10.244.0.0/16').width).toBe(bar('b', '10.244.0.0/16').width);
    expect(bar('a', '10.244.0.0/16').overlap).toBe(true);
    expect(bar('a', '10.96.0.0/12').overlap).toBe(false);
    // Regions: (880 - 150 - 2 * 14) / 3 = 234 wide; the second starts at 150 + 234 + 14.
    expect(map.regions.map((region) => [region.x, region.width])).toEqual([
      [150, 234],
      [398, 234],
      [646, 234],
    ]);
    expect(bar('b', '10.244.0.0/16')).toMatchObject({ x: 398, width: 234 });
    expect(map.ranges.filter((range) => range.overlap).map((range) => range.cluster)).toEqual(['a', 'b']);
  });

  it('scales a range linearly inside its region and lists non-CIDR text as unplaceable', () => {
    const map = buildNetworkMap([cluster('a', ['10.0.0.0/8', '10.128.0.0/9'], ['not-a-cidr'])], [], 880);
    const half = map.bars.find((bar) => bar.cidr === '10.128.0.0/9')!;
    // One region 150..880 (730 wide); the /9 is its upper half.
    expect(half).toMatchObject({ x: 515, width: 365 });
    expect(map.unplaceable.map((range) => range.cidr)).toEqual(['not-a-cidr']);
  });
});

describe('certificate timeline', () => {
  it('shows expired certificates and those within 90 days, soonest first, and counts the later ones', () => {
    const doc = makeReportDocument();
    const timeline = buildCertificateTimeline(doc.clusters, doc.generatedAt, 880);
    expect(timeline.rows.map((row) => [row.name, row.daysLeft, row.expired, row.urgency])).toEqual([
      ['api-tls', -7, true, 'critical'],
      ['wildcard-example-com', 14, false, 'warning'],
      ['cacerts', 49, false, 'ok'],
    ]);
    expect(timeline.laterCount).toBe(1);
    expect(timeline.total).toBe(4);
    // Axis from 260 to 870 (610 wide) for 90 days; expired ones sit at day 0.
    expect(timeline.rows[0]!.x).toBe(260);
    expect(timeline.rows[1]!.x).toBe(Math.round((260 + (14.125 / 90) * 610) * 10) / 10);
    expect(timeline.ticks.map((tick) => tick.label)).toEqual(['today', '2026-12-26', '2027-01-25', '2027-02-24']);
  });

  it('orders every certificate of the fleet by expiry', () => {
    const doc = makeReportDocument();
    expect(certificatesByExpiry(doc.clusters, doc.generatedAt).map((certificate) => certificate.name)).toEqual([
      'api-tls',
      'wildcard-example-com',
      'cacerts',
      'kube-apiserver',
    ]);
  });
});

describe('certificate timeline with many certificates', () => {
  it('draws only the soonest rows but keeps them all for the table', () => {
    const doc = makeReportDocument();
    const certificate = doc.clusters[0]!.facts!.certificates[1]!;
    doc.clusters[0]!.facts!.certificates = Array.from({ length: TIMELINE_MAX_ROWS + 5 }, (_, index) => ({
      ...certificate,
      name: `c${index}`,
    }));
    doc.clusters[1]!.facts!.certificates = [];
    const timeline = buildCertificateTimeline(doc.clusters, doc.generatedAt);
    expect(timeline.rows).toHaveLength(TIMELINE_MAX_ROWS + 5);
    expect(timeline.drawn).toHaveLength(TIMELINE_MAX_ROWS);
    expect(timeline.moreThanDrawn).toBe(true);
    expect(timeline.height).toBe(26 + TIMELINE_MAX_ROWS * 20 + 6);
  });
});
