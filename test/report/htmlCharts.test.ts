import {
  buildCertificateTimeline,
  certificatesByExpiry,
  TIMELINE_MAX_ROWS,
} from '../../src/report/html/certificateTimeline.js';
import { formatDeltaPoints, formatPercent, trendDirection } from '../../src/report/html/format.js';
import { buildLineChart } from '../../src/report/html/lineChart.js';
import { buildNetworkMap, MAX_BLOCKS, overlappingRanges } from '../../src/report/html/networkMap.js';
import { buildSeverityBars } from '../../src/report/html/severityBars.js';
import { maxTextWidth } from '../../src/report/html/textWidth.js';
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

  it('puts colliding ranges of two clusters in one block at the same x, and far-apart ranges in separate blocks', () => {
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
    );
    expect(map.blocks).toEqual([
      { number: 1, range: '10.96.0.0 – 10.111.255.255', addresses: '1,048,576' },
      { number: 2, range: '10.244.0.0 – 10.244.255.255', addresses: '65,536' },
      { number: 3, range: '192.168.0.0 – 192.168.0.255', addresses: '256' },
    ]);
    const bar = (clusterName: string, cidr: string) =>
      map.wide.bars.find((candidate) => candidate.cluster === clusterName && candidate.cidr === cidr)!;
    expect(bar('a', '10.244.0.0/16').x).toBe(bar('b', '10.244.0.0/16').x);
    expect(bar('a', '10.244.0.0/16').width).toBe(bar('b', '10.244.0.0/16').width);
    expect(bar('a', '10.244.0.0/16').overlap).toBe(true);
    expect(bar('a', '10.96.0.0/12').overlap).toBe(false);
    // Blocks: (880 - 2 * 14) / 3 = 284 wide; the second starts at 284 + 14. Wide enough for their ranges.
    expect(map.wide.blocks.map((block) => [block.x, block.width, block.label])).toEqual([
      [0, 284, '1 · 10.96.0.0 – 10.111.255.255'],
      [298, 284, '2 · 10.244.0.0 – 10.244.255.255'],
      [596, 284, '3 · 192.168.0.0 – 192.168.0.255'],
    ]);
    expect(bar('b', '10.244.0.0/16')).toMatchObject({ x: 298, width: 284, marker: false });
    // On a phone the blocks are (320 - 2 * 8) / 3 wide: too narrow for the ranges, so they show their numbers.
    expect(map.narrow.blocks.map((block) => [block.x, block.width, block.label])).toEqual([
      [0, 101.33, '1'],
      [109.33, 101.33, '2'],
      [218.67, 101.33, '3'],
    ]);
    expect(map.ranges.filter((range) => range.overlap).map((range) => range.cluster)).toEqual(['a', 'b']);
  });

  it('scales a range linearly inside its block and lists non-CIDR text as unplaceable', () => {
    const map = buildNetworkMap([cluster('a', ['10.0.0.0/8'], ['10.128.0.0/9', 'not-a-cidr'])], []);
    // One block 0..880; the /9 is its upper half.
    expect(map.wide.bars.find((bar) => bar.cidr === '10.128.0.0/9')).toMatchObject({ x: 440, width: 440 });
    expect(map.narrow.bars.find((bar) => bar.cidr === '10.128.0.0/9')).toMatchObject({ x: 160, width: 160 });
    expect(map.unplaceable.map((range) => range.cidr)).toEqual(['not-a-cidr']);
  });

  it('draws a range too small for its block as a marker at its place, never as a widened bar', () => {
    const map = buildNetworkMap([cluster('a', ['10.0.0.0/8'], ['10.128.0.1/32', '10.0.0.0/9'])], []);
    const tiny = map.wide.bars.find((bar) => bar.cidr === '10.128.0.1/32')!;
    expect(tiny).toMatchObject({ x: 439, width: 2, marker: true });
    expect(tiny.title).toBe('a: service range 10.128.0.1/32 (too small to draw to scale: marker)');
    expect(map.wide.bars.find((bar) => bar.cidr === '10.0.0.0/9')).toMatchObject({ x: 0, width: 440, marker: false });
    expect(map.hasMarkers).toBe(true);
  });

  it("leaves out of the drawing a range inside a wider one of the same cluster and kind (a node's Pod CIDR), not out of the table", () => {
    const map = buildNetworkMap([cluster('a', ['10.244.0.0/16', '10.244.1.0/24'], [])], []);
    expect(map.wide.bars.map((bar) => bar.cidr)).toEqual(['10.244.0.0/16']);
    expect(map.ranges.map((range) => range.cidr)).toEqual(['10.244.0.0/16', '10.244.1.0/24']);
    // Unless only the narrow one is named by an overlap finding: then it is drawn, in red.
    const flagged = buildNetworkMap(
      [cluster('a', ['10.244.0.0/16', '10.244.1.0/24'], [])],
      [overlap({ ranges: [{ cluster: 'a', cidr: '10.244.1.0/24' }] })],
    );
    expect(flagged.wide.bars.map((bar) => [bar.cidr, bar.overlap])).toEqual([
      ['10.244.0.0/16', false],
      ['10.244.1.0/24', true],
    ]);
  });

  it('merges the closest blocks until at most four remain, so every block keeps a readable width', () => {
    const ranges = ['10.0.0.0/16', '10.2.0.0/16', '10.4.0.0/16', '172.16.0.0/16', '192.168.0.0/24', '192.168.2.0/24'];
    const map = buildNetworkMap([cluster('a', ranges, [])], []);
    expect(MAX_BLOCKS).toBe(4);
    expect(map.blocks.map((block) => block.range)).toEqual([
      '10.0.0.0 – 10.2.255.255',
      '10.4.0.0 – 10.4.255.255',
      '172.16.0.0 – 172.16.255.255',
      '192.168.0.0 – 192.168.2.255',
    ]);
    // Inside the merged first block, each /16 is a third of its width, at its own place.
    const first = map.wide.blocks[0]!;
    const bar = map.wide.bars.find((candidate) => candidate.cidr === '10.2.0.0/16')!;
    expect(bar.x).toBeCloseTo(first.x + (first.width * 2) / 3, 1);
    expect(bar.width).toBeCloseTo(first.width / 3, 1);
  });

  it('gives each cluster name a line of its own, cut to the chart width with an ellipsis', () => {
    const long = `payments-${'m'.repeat(50)}`;
    const map = buildNetworkMap([cluster(long, ['10.0.0.0/16'], []), cluster('b', ['10.0.0.0/16'], [])], []);
    const [first, second] = map.narrow.rows;
    expect(first!.cluster).toBe(long);
    expect(first!.label.endsWith('…')).toBe(true);
    expect(maxTextWidth(first!.label, map.narrow.fontSize)).toBeLessThanOrEqual(map.narrow.width);
    expect(map.wide.rows[0]!.label).toBe(long);
    // The second name sits below the first cluster's lanes.
    const lanesBottom = first!.y + 3 * 9;
    expect(second!.labelY - map.narrow.fontSize).toBeGreaterThanOrEqual(lanesBottom);
    expect(map.narrow.fontSize).toBeGreaterThanOrEqual(10);
  });
});

describe('certificate timeline', () => {
  it('shows expired certificates and those within 90 days, soonest first, and counts the later ones', () => {
    const doc = makeReportDocument();
    const timeline = buildCertificateTimeline(doc.clusters, doc.generatedAt);
    expect(timeline.rows.map((row) => [row.name, row.daysLeft, row.expired, row.urgency])).toEqual([
      ['api-tls', -7, true, 'critical'],
      ['wildcard-example-com', 14, false, 'warning'],
      ['cacerts', 49, false, 'ok'],
    ]);
    expect(timeline.laterCount).toBe(1);
    expect(timeline.total).toBe(4);
    // Wide: the axis runs from 260 to 870 (610 wide) for 90 days; expired ones sit at day 0.
    const { wide, narrow } = timeline;
    expect([wide.axisLeft, wide.axisRight]).toEqual([260, 870]);
    expect(wide.marks[0]!.x).toBe(260);
    expect(wide.marks[1]!.x).toBe(Math.round((260 + (14.125 / 90) * 610) * 10) / 10);
    expect(wide.ticks.map((tick) => tick.label)).toEqual(['today', '2026-12-26', '2027-01-25', '2027-02-24']);
    // Narrow: labels above the bars, the axis across the whole 320 px; only the dates that fit are labelled.
    expect([narrow.width, narrow.axisLeft, narrow.axisRight]).toEqual([320, 5, 310]);
    expect(narrow.marks[1]!.x).toBe(Math.round((5 + (14.125 / 90) * 305) * 10) / 10);
    expect(narrow.ticks.map((tick) => tick.label)).toEqual(['today', '2026-12-26', '2027-02-24']);
    expect(narrow.marks[0]!.labelY).toBeLessThan(narrow.marks[0]!.y);
    expect(narrow.marks.map((mark) => mark.label)).toEqual([
      'prod-east · api-tls',
      'prod-east · wildcard-example-com',
      'prod-west · cacerts',
    ]);
  });

  it('never lets a tick label run into the next one, and fits long labels to their column', () => {
    const doc = makeReportDocument();
    doc.clusters[0]!.facts!.certificates[0]!.name = `api-${'m'.repeat(60)}`;
    const { wide, narrow } = buildCertificateTimeline(doc.clusters, doc.generatedAt);
    for (const layout of [wide, narrow]) {
      const boxes = layout.ticks.map((tick) => {
        const w = maxTextWidth(tick.label, layout.fontSize);
        const left = tick.anchor === 'start' ? tick.x : tick.anchor === 'end' ? tick.x - w : tick.x - w / 2;
        return [left, left + w] as const;
      });
      for (let i = 1; i < boxes.length; i++) expect(boxes[i]![0]).toBeGreaterThan(boxes[i - 1]![1]);
      expect(boxes[0]![0]).toBeGreaterThanOrEqual(0);
      expect(boxes.at(-1)![1]).toBeLessThanOrEqual(layout.width);
    }
    const long = wide.marks.find((mark) => mark.title.includes('api-mmm'))!;
    expect(long.label.endsWith('…')).toBe(true);
    expect(maxTextWidth(long.label, wide.fontSize)).toBeLessThanOrEqual(wide.axisLeft - 10);
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
    expect(timeline.drawnCount).toBe(TIMELINE_MAX_ROWS);
    expect(timeline.wide.marks).toHaveLength(TIMELINE_MAX_ROWS);
    expect(timeline.narrow.marks).toHaveLength(TIMELINE_MAX_ROWS);
    expect(timeline.moreThanDrawn).toBe(true);
    // Wide rows are 22 px under a 24 px axis; narrow ones 17 + 14 + 8 px each.
    expect(timeline.wide.height).toBe(24 + TIMELINE_MAX_ROWS * 22);
    expect(timeline.narrow.height).toBe(25 + TIMELINE_MAX_ROWS * 39);
  });
});
